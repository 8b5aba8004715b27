package dev.gateway.chaos.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A cluster of gateway node processes on loopback: one config file (this node's bootstrap sections plus the
 * caller's shared config), fresh ports for every node, a cluster name no other test run shares, an admin token,
 * a state directory per node. Logs, state and the config go to {@code target/chaos-logs/<test>/}.
 * {@link #close()} SIGKILLs whatever still runs (a JVM shutdown hook does the same if the test JVM dies first).
 */
public final class Gateways implements Topology {
    /** Generous: three JVMs and their Hazelcast members start on two shared cores. */
    public static final Duration STARTUP = Duration.ofSeconds(90);
    /** The admin bearer token of every test cluster's nodes. */
    public static final String ADMIN_TOKEN = "chaos-admin-token";

    private final String clusterName;
    private final Path dir;
    private final Path jar;
    private final Path configFile;
    private final List<NodePorts> ports;
    private final GatewayProcess[] nodes;
    private final Thread reaper;

    private Gateways(String clusterName, Path dir, Path jar, Path configFile, List<NodePorts> ports) {
        this.clusterName = clusterName;
        this.dir = dir;
        this.jar = jar;
        this.configFile = configFile;
        this.ports = List.copyOf(ports);
        this.nodes = new GatewayProcess[ports.size()];
        this.reaper = new Thread(this::killAll, "chaos-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code count} nodes with {@code expected-size: count} and {@code min-size: minSize}, every node
     * listing every member; {@code sharedYaml} is the rest of the file (upstreams, rate-limits, routes, ...).
     * Returns once every process runs; see {@link #awaitFormed}.
     */
    public static Gateways start(String test, int count, int minSize, String sharedYaml) {
        Gateways gateways = prepare(test, count, minSize, sharedYaml);
        for (int i = 0; i < count; i++) {
            gateways.launch(i);
        }
        return gateways;
    }

    /**
     * As {@link #start}, but launches nothing yet: {@link #launch} each node when the test wants it. Every
     * node's state directory and log start empty.
     */
    public static Gateways prepare(String test, int count, int minSize, String sharedYaml) {
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
                    token: %s
                cluster:
                  name: %s
                  listen: 127.0.0.1:0
                  discovery:
                    static: [%s]
                  expected-size: %d
                  min-size: %d
                  allow-minority: %s
                observability:
                  access-log: {format: off}
                """.formatted(ADMIN_TOKEN, clusterName,
                ports.stream().map(NodePorts::clusterAddress).collect(Collectors.joining(", ")), count, minSize,
                minSize <= count / 2)
                + sharedYaml;
        Path configFile = dir.resolve("gateway.yaml");
        try {
            Files.createDirectories(dir);
            Files.writeString(configFile, config);
            for (int i = 1; i <= count; i++) {
                deleteTree(dir.resolve("gw-" + i + "-state"));
                Files.deleteIfExists(dir.resolve("gw-" + i + ".log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Gateways(clusterName, dir, jar, configFile, ports);
    }

    /** Starts node {@code index} (zero-based), or starts it again after it stopped, with its ports and state. */
    public GatewayProcess launch(int index) {
        return launch(index, java.util.Map.of());
    }

    /** As {@link #launch(int)}, with {@code environment} added to the node process's. */
    public synchronized GatewayProcess launch(int index, java.util.Map<String, String> environment) {
        if (nodes[index] != null && nodes[index].alive()) {
            throw new IllegalStateException(nodes[index] + " still runs");
        }
        String name = "gw-" + (index + 1);
        nodes[index] = GatewayProcess.launch(jar, configFile, name, ports.get(index), ports,
                dir.resolve(name + ".log"), dir.resolve(name + "-state"), environment);
        return nodes[index];
    }

    public String clusterName() {
        return clusterName;
    }

    /** The nodes launched so far (a relaunched node replaces its earlier process). */
    public synchronized List<GatewayProcess> nodes() {
        return Arrays.stream(nodes).filter(Objects::nonNull).toList();
    }

    /** Zero-based; the latest process of that node. */
    public synchronized GatewayProcess node(int index) {
        if (nodes[index] == null) {
            throw new IllegalStateException("node " + index + " was never launched");
        }
        return nodes[index];
    }

    public List<Integer> clusterPorts() {
        return ports.stream().map(NodePorts::cluster).toList();
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
    public Mode mode() {
        return Mode.EMBEDDED;
    }

    /** Every node is a member: the nodes launched so far. */
    @Override
    public List<GatewayProcess> holders() {
        return nodes();
    }

    @Override
    public List<GatewayProcess> serving(List<GatewayProcess> liveHolders) {
        return liveHolders;
    }

    @Override
    public GatewayProcess owner(List<GatewayProcess> candidates, String key) {
        return KeyOwners.owner(clusterName, candidates, key);
    }

    @Override
    public void awaitWhole(Http http, List<GatewayProcess> liveHolders, Duration within) {
        awaitFormed(http, liveHolders, within);
        awaitStable(http, liveHolders, within);
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private synchronized void killAll() {
        for (GatewayProcess node : nodes) {
            if (node != null && node.alive()) {
                node.kill9();
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
