package dev.gateway.chaos.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A cluster of gateway node processes on loopback: one config file (this node's bootstrap sections plus the
 * caller's shared config), fresh ports for every node, a cluster name no other test run shares. Logs and the
 * config go to {@code target/chaos-logs/<test>/}. {@link #close()} SIGKILLs whatever still runs (a JVM
 * shutdown hook does the same if the test JVM dies first).
 */
public final class Gateways implements AutoCloseable {
    /** Generous: three JVMs and their Hazelcast members start on two shared cores. */
    public static final Duration STARTUP = Duration.ofSeconds(90);

    private final String clusterName;
    private final List<GatewayProcess> nodes;
    private final Thread reaper;

    private Gateways(String clusterName, List<GatewayProcess> nodes) {
        this.clusterName = clusterName;
        this.nodes = List.copyOf(nodes);
        this.reaper = new Thread(() -> this.nodes.forEach(n -> {
            if (n.alive()) {
                n.kill9();
            }
        }), "chaos-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code count} nodes with {@code expected-size: count} and {@code min-size: minSize}, every node
     * listing every member; {@code sharedYaml} is the rest of the file (upstreams, rate-limits, routes, ...).
     * Returns once every process runs; see {@link #awaitFormed}.
     */
    public static Gateways start(String test, int count, int minSize, String sharedYaml) {
        Path dir = GatewayJar.moduleDir().resolve("target/chaos-logs/" + test);
        Path jar = GatewayJar.path();
        FreePorts free = new FreePorts();
        List<NodePorts> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(NodePorts.pick(free));
        }
        String clusterName = "chaos-" + test.toLowerCase().replaceAll("[^a-z0-9]+", "-") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        String config = """
                node:
                  name: gw
                  listen: 127.0.0.1:0
                  admin:
                    listen: 127.0.0.1:0
                cluster:
                  name: %s
                  listen: 127.0.0.1:0
                  discovery:
                    static: [%s]
                  expected-size: %d
                  min-size: %d
                observability:
                  access-log: {format: off}
                """.formatted(clusterName,
                ports.stream().map(NodePorts::clusterAddress).collect(Collectors.joining(", ")), count, minSize)
                + sharedYaml;
        Path configFile = dir.resolve("gateway.yaml");
        try {
            Files.createDirectories(dir);
            Files.writeString(configFile, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<GatewayProcess> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "gw-" + (i + 1);
            nodes.add(GatewayProcess.launch(jar, configFile, name, ports.get(i), ports, dir.resolve(name + ".log")));
        }
        return new Gateways(clusterName, nodes);
    }

    public String clusterName() {
        return clusterName;
    }

    public List<GatewayProcess> nodes() {
        return nodes;
    }

    /** Zero-based. */
    public GatewayProcess node(int index) {
        return nodes.get(index);
    }

    public List<Integer> clusterPorts() {
        return nodes.stream().map(n -> n.ports().cluster()).toList();
    }

    /**
     * Waits until every one of {@code members} answers {@code /health/ready} with 200 and sees exactly those
     * members in {@code /admin/cluster}; fails at once, with its log, if one of them exits.
     */
    public void awaitFormed(Http http, List<GatewayProcess> members, Duration within) {
        await("nodes " + members + " ready and clustered together").atMost(within)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> members.stream().allMatch(n -> {
                    n.assertAlive();
                    return n.ready(http).status() == 200 && n.clusterView(http).get("size").asInt() == members.size();
                }));
    }

    /**
     * Waits until every one of {@code members} sees exactly {@code members.size()} members and reports its
     * partitions' backups in sync ({@code local_partitions_safe}): losing one member now loses no bucket.
     */
    public void awaitStable(Http http, List<GatewayProcess> members, Duration within) {
        await("nodes " + members + " see each other and have their backups in sync").atMost(within)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> members.stream().allMatch(n -> {
                    n.assertAlive();
                    JsonNode view = n.clusterView(http);
                    return view.get("size").asInt() == members.size() && view.get("local_partitions_safe").asBoolean();
                }));
    }

    @Override
    public void close() {
        for (GatewayProcess node : nodes) {
            if (node.alive()) {
                node.kill9();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }
}
