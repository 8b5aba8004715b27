package dev.gateway.chaos.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The client topology as processes on loopback: {@code members} dedicated members ({@code gateway-node member},
 * one backup, {@code min-size: 1} unless given) and {@code nodes} client-mode gateway nodes ({@code cluster.mode: client}) with
 * the caller's shared config, fresh ports, a cluster name of its own. Logs, the nodes' state and the config files go
 * to {@code target/chaos-logs/<test>/}. {@link #close()} SIGKILLs whatever still runs.
 */
public final class ClientTopology implements Topology {
    private final GatewayProcess[] members;
    private final GatewayProcess[] nodes;
    private final Path jar;
    private final Path dir;
    private final List<NodePorts> memberPorts;
    private final List<NodePorts> nodePorts;
    private final Path memberFile;
    private final Path nodeFile;
    private final String clusterName;
    private final Thread reaper;

    private ClientTopology(Path jar, Path dir, List<NodePorts> memberPorts, List<NodePorts> nodePorts, Path memberFile,
                           Path nodeFile, String clusterName) {
        this.clusterName = clusterName;
        this.members = new GatewayProcess[memberPorts.size()];
        this.nodes = new GatewayProcess[nodePorts.size()];
        this.jar = jar;
        this.dir = dir;
        this.memberPorts = List.copyOf(memberPorts);
        this.nodePorts = List.copyOf(nodePorts);
        this.memberFile = memberFile;
        this.nodeFile = nodeFile;
        this.reaper = new Thread(this::killAll, "client-topology-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Launches every member and every node; returns once every process runs (see {@link #awaitReady}). */
    public static ClientTopology start(String test, int memberCount, int nodeCount, String sharedYaml) {
        return start(test, memberCount, nodeCount, 1, sharedYaml);
    }

    /**
     * As {@link #start(String, int, int, String)} with {@code min-size: minSize} for the members and the nodes
     * ({@code allow-minority} only when that is not a majority of the members).
     */
    public static ClientTopology start(String test, int memberCount, int nodeCount, int minSize, String sharedYaml) {
        ClientTopology topology = prepare(test, memberCount, nodeCount, minSize, sharedYaml);
        try {
            for (int i = 0; i < memberCount; i++) {
                topology.launchMember(i);
            }
            for (int i = 0; i < nodeCount; i++) {
                topology.launchNode(i);
            }
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
        return topology;
    }

    /**
     * As {@link #start}, but launches nothing yet: {@link #launchMember} and {@link #launchNode} each when the test
     * wants it. Every process's log and every node's state directory start empty.
     */
    public static ClientTopology prepare(String test, int memberCount, int nodeCount, String sharedYaml) {
        return prepare(test, memberCount, nodeCount, 1, sharedYaml);
    }

    /** As {@link #prepare(String, int, int, String)} with {@code min-size: minSize} for the members and the nodes. */
    public static ClientTopology prepare(String test, int memberCount, int nodeCount, int minSize, String sharedYaml) {
        Path dir = GatewayJar.moduleDir().resolve("target/chaos-logs/" + test);
        Path jar = GatewayJar.path();
        FreePorts free = new FreePorts();
        List<NodePorts> memberPorts = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            memberPorts.add(NodePorts.pick(free));
        }
        List<NodePorts> nodePorts = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodePorts.add(NodePorts.pick(free));
        }
        String name = "chaos-" + test.toLowerCase().replaceAll("[^a-z0-9]+", "-") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        String memberList = memberPorts.stream().map(NodePorts::clusterAddress).collect(Collectors.joining(", "));
        String memberYaml = """
                cluster:
                  name: %s
                  listen: 127.0.0.1:0
                  discovery: {static: [%s]}
                  min-size: %d
                  allow-minority: %s
                  backups: 1
                """.formatted(name, memberList, minSize, minSize <= memberCount / 2);
        String nodeYaml = """
                node:
                  name: gw
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0, token: %s}
                cluster:
                  name: %s
                  mode: client
                  members: [%s]
                  min-size: %d
                  allow-minority: %s
                observability:
                  access-log: {format: off}
                """.formatted(Gateways.ADMIN_TOKEN, name, memberList, minSize, minSize <= memberCount / 2) + sharedYaml;
        try {
            Files.createDirectories(dir);
            Path memberFile = Files.writeString(dir.resolve("member.yaml"), memberYaml);
            Path nodeFile = Files.writeString(dir.resolve("gateway.yaml"), nodeYaml);
            for (int i = 1; i <= memberCount; i++) {
                Files.deleteIfExists(dir.resolve("member-" + i + ".log"));
            }
            for (int i = 1; i <= nodeCount; i++) {
                Files.deleteIfExists(dir.resolve("gw-" + i + ".log"));
                deleteTree(dir.resolve("gw-" + i + "-state"));
            }
            return new ClientTopology(jar, dir, memberPorts, nodePorts, memberFile, nodeFile, name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts member {@code index} (zero-based), or starts it again after it stopped, on its ports. */
    public GatewayProcess launchMember(int index) {
        return launchMember(index, Map.of());
    }

    /** As {@link #launchMember(int)}, with {@code environment} added to the member process's. */
    public synchronized GatewayProcess launchMember(int index, Map<String, String> environment) {
        if (members[index] != null && members[index].alive()) {
            throw new IllegalStateException(members[index] + " still runs");
        }
        String member = "member-" + (index + 1);
        members[index] = GatewayProcess.launchArgs(jar, member, memberPorts.get(index), List.of(
                "member", "--config", memberFile.toString(), "--node-name", member,
                "--cluster-listen", memberPorts.get(index).clusterAddress(),
                "--admin-listen", "127.0.0.1:" + memberPorts.get(index).admin()), dir.resolve(member + ".log"),
                environment);
        return members[index];
    }

    /** Starts client-mode node {@code index} (zero-based), or starts it again after it stopped, with its ports and state. */
    public GatewayProcess launchNode(int index) {
        return launchNode(index, Map.of());
    }

    /** As {@link #launchNode(int)}, with {@code environment} added to the node process's. */
    public synchronized GatewayProcess launchNode(int index, Map<String, String> environment) {
        if (nodes[index] != null && nodes[index].alive()) {
            throw new IllegalStateException(nodes[index] + " still runs");
        }
        String node = "gw-" + (index + 1);
        nodes[index] = GatewayProcess.launchArgs(jar, node, nodePorts.get(index), List.of(
                "--config", nodeFile.toString(), "--node-name", node,
                "--listen", "127.0.0.1:" + nodePorts.get(index).proxy(),
                "--admin-listen", "127.0.0.1:" + nodePorts.get(index).admin(),
                "--state-dir", dir.resolve(node + "-state").toString()), dir.resolve(node + ".log"), environment);
        return nodes[index];
    }

    public String clusterName() {
        return clusterName;
    }

    /** The members launched so far (a relaunched member replaces its earlier process). */
    public synchronized List<GatewayProcess> members() {
        return Arrays.stream(members).filter(Objects::nonNull).toList();
    }

    /** The nodes launched so far (a relaunched node replaces its earlier process). */
    public synchronized List<GatewayProcess> nodes() {
        return Arrays.stream(nodes).filter(Objects::nonNull).toList();
    }

    /**
     * Restarts member {@code index} the way a rolling restart does: SIGTERM (it hands its partitions over, at most
     * 30 s), start it again on the same ports, and wait until every member answers ready with its partitions'
     * backups in sync ({@code local_partitions_safe} on {@code /health/ready}) and every live node sees them all.
     */
    public void restartMember(int index, Http http, Duration within) {
        GatewayProcess old;
        synchronized (this) {
            old = members[index];
        }
        if (old != null) {
            old.terminate(45);
        }
        launchMember(index);
        awaitReady(http, members.length, within);
        awaitMembersSafe(http, "after restarting member-" + (index + 1), within);
    }

    /** Until every live member answers ready with its partitions' backups in sync. */
    private void awaitMembersSafe(Http http, String when, Duration within) {
        await("members' backups in sync " + when).atMost(within).pollInterval(Duration.ofMillis(250))
                .until(() -> members().stream().filter(GatewayProcess::alive).allMatch(m -> {
                    Http.Reply ready = m.ready(http);
                    return ready.status() == 200 && ready.json().get("local_partitions_safe").asBoolean();
                }));
    }

    @Override
    public Mode mode() {
        return Mode.CLIENT;
    }

    /** The dedicated members. */
    @Override
    public List<GatewayProcess> holders() {
        return members();
    }

    @Override
    public List<GatewayProcess> serving(List<GatewayProcess> liveHolders) {
        return nodes().stream().filter(GatewayProcess::alive).toList();
    }

    @Override
    public GatewayProcess owner(List<GatewayProcess> candidates, String key) {
        return KeyOwners.owner(clusterName, candidates, key);
    }

    @Override
    public void awaitWhole(Http http, List<GatewayProcess> liveHolders, Duration within) {
        awaitReady(http, liveHolders.size(), within);
        awaitMembersSafe(http, "with " + liveHolders.size() + " members", within);
    }

    /** Until every live member answers ready and every live node is ready and sees {@code memberCount} members. */
    public void awaitReady(Http http, int memberCount, Duration within) {
        await("client topology ready with " + memberCount + " members").atMost(within)
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    for (GatewayProcess member : members()) {
                        if (member.alive() && member.ready(http).status() != 200) {
                            return false;
                        }
                    }
                    for (GatewayProcess node : nodes()) {
                        if (node.alive() && (node.ready(http).status() != 200
                                || node.clusterView(http).get("size").asInt() != memberCount)) {
                            return false;
                        }
                    }
                    return true;
                });
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

    private void killAll() {
        for (GatewayProcess process : members()) {
            if (process.alive()) {
                process.kill9();
            }
        }
        for (GatewayProcess process : nodes()) {
            if (process.alive()) {
                process.kill9();
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
