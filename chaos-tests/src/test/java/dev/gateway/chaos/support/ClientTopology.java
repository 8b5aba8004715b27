package dev.gateway.chaos.support;

import static org.awaitility.Awaitility.await;

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
 * The client topology as processes on loopback: {@code members} dedicated members ({@code gateway-node member},
 * one backup, {@code min-size: 1}) and {@code nodes} client-mode gateway nodes ({@code cluster.mode: client}) with
 * the caller's shared config, fresh ports, a cluster name of its own. Logs and the config files go to
 * {@code target/chaos-logs/<test>/}. {@link #close()} SIGKILLs whatever still runs.
 */
public final class ClientTopology implements Topology {
    private final List<GatewayProcess> members;
    private final List<GatewayProcess> nodes;
    private final Path jar;
    private final Path dir;
    private final List<NodePorts> memberPorts;
    private final List<List<String>> memberArgs;
    private final String clusterName;
    private final Thread reaper;

    private ClientTopology(List<GatewayProcess> members, List<GatewayProcess> nodes, Path jar, Path dir,
                           List<NodePorts> memberPorts, List<List<String>> memberArgs, String clusterName) {
        this.clusterName = clusterName;
        this.members = members;
        this.nodes = nodes;
        this.jar = jar;
        this.dir = dir;
        this.memberPorts = memberPorts;
        this.memberArgs = memberArgs;
        this.reaper = new Thread(this::killAll, "client-topology-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static ClientTopology start(String test, int memberCount, int nodeCount, String sharedYaml) {
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
                  min-size: 1
                  allow-minority: true
                  backups: 1
                """.formatted(name, memberList);
        String nodeYaml = """
                node:
                  name: gw
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0, token: %s}
                cluster:
                  name: %s
                  mode: client
                  members: [%s]
                  min-size: 1
                  allow-minority: true
                observability:
                  access-log: {format: off}
                """.formatted(Gateways.ADMIN_TOKEN, name, memberList) + sharedYaml;
        List<GatewayProcess> members = new ArrayList<>();
        List<GatewayProcess> nodes = new ArrayList<>();
        List<List<String>> memberArgs = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            Path memberFile = Files.writeString(dir.resolve("member.yaml"), memberYaml);
            Path nodeFile = Files.writeString(dir.resolve("gateway.yaml"), nodeYaml);
            for (int i = 0; i < memberCount; i++) {
                String member = "member-" + (i + 1);
                Files.deleteIfExists(dir.resolve(member + ".log"));
                memberArgs.add(List.of("member", "--config", memberFile.toString(), "--node-name", member,
                        "--cluster-listen", memberPorts.get(i).clusterAddress(),
                        "--admin-listen", "127.0.0.1:" + memberPorts.get(i).admin()));
                members.add(GatewayProcess.launchArgs(jar, member, memberPorts.get(i), memberArgs.get(i),
                        dir.resolve(member + ".log")));
            }
            for (int i = 0; i < nodeCount; i++) {
                String node = "gw-" + (i + 1);
                Files.deleteIfExists(dir.resolve(node + ".log"));
                nodes.add(GatewayProcess.launchArgs(jar, node, nodePorts.get(i), List.of(
                        "--config", nodeFile.toString(), "--node-name", node,
                        "--listen", "127.0.0.1:" + nodePorts.get(i).proxy(),
                        "--admin-listen", "127.0.0.1:" + nodePorts.get(i).admin(),
                        "--state-dir", dir.resolve(node + "-state").toString()), dir.resolve(node + ".log")));
            }
        } catch (IOException e) {
            members.forEach(GatewayProcess::kill9);
            nodes.forEach(GatewayProcess::kill9);
            throw new UncheckedIOException(e);
        }
        return new ClientTopology(members, nodes, jar, dir, memberPorts, memberArgs, name);
    }

    public List<GatewayProcess> members() {
        return members;
    }

    public List<GatewayProcess> nodes() {
        return nodes;
    }

    /**
     * Restarts member {@code index} the way a rolling restart does: SIGTERM (it hands its partitions over, at most
     * 30 s), start it again on the same ports, and wait until every member answers ready with its partitions'
     * backups in sync ({@code local_partitions_safe} on {@code /health/ready}) and every live node sees them all.
     */
    public synchronized void restartMember(int index, Http http, Duration within) {
        members.get(index).terminate(45);
        String name = "member-" + (index + 1);
        members.set(index, GatewayProcess.launchArgs(jar, name, memberPorts.get(index), memberArgs.get(index),
                dir.resolve(name + ".log")));
        awaitReady(http, members.size(), within);
        awaitMembersSafe(http, "after restarting " + name, within);
    }

    /** Until every live member answers ready with its partitions' backups in sync. */
    private void awaitMembersSafe(Http http, String when, Duration within) {
        await("members' backups in sync " + when).atMost(within).pollInterval(Duration.ofMillis(250))
                .until(() -> members.stream().filter(GatewayProcess::alive).allMatch(m -> {
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
        return List.copyOf(members);
    }

    @Override
    public List<GatewayProcess> serving(List<GatewayProcess> liveHolders) {
        return nodes.stream().filter(GatewayProcess::alive).toList();
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
                    for (GatewayProcess member : members) {
                        if (member.alive() && member.ready(http).status() != 200) {
                            return false;
                        }
                    }
                    for (GatewayProcess node : nodes) {
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
        for (GatewayProcess process : members) {
            if (process.alive()) {
                process.kill9();
            }
        }
        for (GatewayProcess process : nodes) {
            if (process.alive()) {
                process.kill9();
            }
        }
    }
}
