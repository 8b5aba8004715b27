package dev.gateway.chaos.docker;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.gateway.chaos.support.GatewayJar;
import dev.gateway.chaos.support.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The Docker chaos suite's fixture, one per test: a Docker network of its own; {@code N} gateway node
 * containers {@code gw-1..gw-N} (the node image of {@link DockerEnv}, {@code NET_ADMIN} so that a test can
 * firewall one with iptables, static discovery by name or multicast, {@code -Dhazelcast.local.publicAddress=gw-N:5701}
 * as in {@code docker-compose.yml}); demo upstreams ({@code upstream-a}, ...); and HAProxy (from the base image)
 * with the config of {@code docker/compose/haproxy.cfg}, its server lines generated for the {@code N} nodes.
 * HAProxy's proxy port and stats page, and each node's proxy and admin ports, are published on 127.0.0.1.
 * Faults go through the Docker API: SIGKILL, SIGSTOP/SIGCONT, {@code docker stop}/{@code start}, iptables in a
 * node. {@link #close()} saves every container's log to {@code target/chaos-logs/docker/<scenario>/} and removes
 * the containers and the network (a JVM shutdown hook does it too if the test JVM dies first).
 */
final class DockerGateway implements AutoCloseable {
    static final String ADMIN_TOKEN = "chaos-admin-token";
    /** On every container and network of the suite (its value: the scenario), to find what a dead run left. */
    static final String LABEL = "dev.gateway.chaos.scenario";
    /** Where docker/Dockerfile puts the node's jar. */
    static final String NODE_JAR = "/opt/gateway/gateway-node.jar";
    static final Duration FORM_TIMEOUT = Duration.ofSeconds(150);
    static final String NODE_JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError";

    private final String scenario;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final Network network;
    private final Http http = new Http();
    private final List<DockerNode> nodes = new ArrayList<>();
    /** Client topology only: the dedicated members {@code member-1..M}. */
    private final List<DockerNode> members = new ArrayList<>();
    private final Map<String, DockerNode> upstreams = new LinkedHashMap<>();
    private DockerNode haproxy;
    private final Thread reaper;
    private volatile boolean closed;
    private long startedNanos;
    private long formedMillis;

    private DockerGateway(String scenario) {
        this.scenario = scenario;
        this.network = Network.builder().createNetworkCmdModifier(cmd -> cmd.withName("chaos-" + scenario + "-" + runId)
                .withLabels(Map.of(LABEL, scenario))).build();
        this.reaper = new Thread(this::removeAll, "chaos-docker-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** What to start. */
    static final class Spec {
        private final String scenario;
        private int nodes = 3;
        private int minSize = 2;
        private boolean multicast;
        private List<String> upstreams = List.of("a");
        private String shared;
        private boolean pinHaproxyPort;
        private Path nodeJar;
        private int members;

        private Spec(String scenario) {
            this.scenario = scenario;
        }

        Spec nodes(int count, int minSize) {
            this.nodes = count;
            this.minSize = minSize;
            return this;
        }

        /**
         * The client topology: {@code count} dedicated members ({@code gateway-node member}, containers
         * {@code member-1..count}, {@code min-size} as given to {@link #nodes}, one backup) and the nodes as client-mode
         * gateway nodes of them ({@code cluster.mode: client}).
         */
        Spec members(int count) {
            this.members = count;
            return this;
        }

        Spec multicast() {
            this.multicast = true;
            return this;
        }

        /** Demo upstream containers, reachable as {@code http://upstream-<name>:9000}. */
        Spec upstreams(String... names) {
            this.upstreams = List.of(names);
            return this;
        }

        /** The shared config (upstreams, rate-limits, routes, ...) every node starts from. */
        Spec shared(String yaml) {
            this.shared = yaml;
            return this;
        }

        /**
         * HAProxy's proxy port published on a fixed host port (a free one, chosen at start) instead of a random one:
         * Docker gives a restarted container new random host ports, and the clients of {@link #restartHaproxy} must
         * find it again where it was.
         */
        Spec pinHaproxyPort() {
            this.pinHaproxyPort = true;
            return this;
        }

        /** The nodes start on this jar instead of the image's (the rolling upgrade's previous release). */
        Spec nodeJar(Path jar) {
            this.nodeJar = jar;
            return this;
        }

        /** Starts everything and waits until the cluster is formed (see {@link DockerGateway#awaitFormed}). */
        DockerGateway start() {
            DockerEnv.assumeReady();
            removeLeftovers(scenario);
            DockerGateway gateway = new DockerGateway(scenario);
            boolean ok = false;
            try {
                gateway.startAll(this);
                gateway.awaitFormed(FORM_TIMEOUT);
                ok = true;
                return gateway;
            } finally {
                if (!ok) {
                    gateway.close();
                }
            }
        }
    }

    /**
     * Removes the containers and networks an earlier run of {@code scenario} left behind (a test JVM killed before
     * its shutdown hook ran), found by {@link #LABEL}: a scenario starts from nothing.
     */
    static void removeLeftovers(String scenario) {
        DockerClient docker = DockerEnv.client();
        Map<String, String> label = Map.of(LABEL, scenario);
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(label).exec()) {
            System.out.println("[" + scenario + "] removing a container left by an earlier run: " + c.getId());
            docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
        }
        for (com.github.dockerjava.api.model.Network n : docker.listNetworksCmd()
                .withFilter("label", List.of(LABEL + "=" + scenario)).exec()) {
            System.out.println("[" + scenario + "] removing a network left by an earlier run: " + n.getName());
            docker.removeNetworkCmd(n.getId()).exec();
        }
    }

    static Spec spec(String scenario) {
        return new Spec(scenario);
    }

    private void startAll(Spec spec) {
        network.getId();
        for (String u : spec.upstreams) {
            GenericContainer<?> c = new GenericContainer<>(DockerEnv.nodeImage())
                    .withLabel(LABEL, scenario)
                    .withNetwork(network)
                    .withNetworkAliases("upstream-" + u)
                    .withEnv("JAVA_OPTS", "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                    .withEnv("GATEWAY_HEALTH_URL", "http://127.0.0.1:9000/")
                    .withCommand("demo-upstream", "--listen", "0.0.0.0:9000", "--name", u)
                    .withLabel("dev.gateway.chaos", scenario)
                    .waitingFor(noWait())
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withName("chaos-" + scenario + "-" + runId + "-upstream-" + u);
                        cmd.withHostName("upstream-" + u);
                    });
            upstreams.put(u, new DockerNode("upstream-" + u, c, network.getId(), http));
        }
        GenericContainer<?> h = new GenericContainer<>(DockerImageName.parse(DockerEnv.haproxyImage()))
                .withLabel(LABEL, scenario)
                .withNetwork(network)
                .withNetworkAliases("haproxy")
                .withCopyToContainer(Transferable.of(haproxyConfig(spec.nodes)), "/etc/gateway-haproxy/haproxy.cfg")
                .withCommand("haproxy", "-W", "-db", "-f", "/etc/gateway-haproxy/haproxy.cfg")
                .withLabel("dev.gateway.chaos", scenario)
                .waitingFor(noWait())
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName("chaos-" + scenario + "-" + runId + "-haproxy");
                    publishOnLoopback(cmd, 8080, 8404);
                    if (spec.pinHaproxyPort) {
                        cmd.getHostConfig().withPortBindings(
                                new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", freeLoopbackPort()), ExposedPort.tcp(8080)),
                                new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", freeLoopbackPort()), ExposedPort.tcp(8404)));
                    }
                });
        haproxy = new DockerNode("haproxy", h, network.getId(), http);
        for (DockerNode u : upstreams.values()) {
            u.container().start();
            u.refresh();
        }
        // HAProxy first: the nodes trust its address for PROXY headers, so their config needs it. It starts
        // with its servers DOWN and unresolved (init-addr none) and finds them through Docker's DNS.
        haproxy.container().start();
        haproxy.refresh();
        if (haproxy.ip() == null) {
            throw new IllegalStateException("HAProxy has no address on the test network");
        }
        String config = nodeConfig(spec, haproxy.ip());
        String memberConfig = memberConfig(spec);
        for (int i = 1; i <= spec.members; i++) {
            String name = "member-" + i;
            GenericContainer<?> c = new GenericContainer<>(DockerEnv.nodeImage())
                    .withLabel(LABEL, scenario)
                    .withNetwork(network)
                    .withNetworkAliases(name)
                    .withEnv("JAVA_OPTS", NODE_JAVA_OPTS + " -Dhazelcast.local.publicAddress=" + name + ":5701")
                    .withEnv("GATEWAY_HEALTH_URL", "http://127.0.0.1:" + DockerNode.ADMIN + "/health/ready")
                    .withCopyToContainer(Transferable.of(memberConfig), "/etc/gateway/member.yaml")
                    .withCommand("member", "--config", "/etc/gateway/member.yaml", "--node-name", name,
                            "--admin-listen", "0.0.0.0:" + DockerNode.ADMIN)
                    .withLabel("dev.gateway.chaos", scenario)
                    .waitingFor(noWait())
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withName("chaos-" + scenario + "-" + runId + "-" + name);
                        cmd.withHostName(name);
                        publishOnLoopback(cmd, DockerNode.ADMIN);
                    });
            members.add(new DockerNode(name, c, network.getId(), http));
        }
        startedNanos = System.nanoTime();
        for (DockerNode m : members) {
            m.container().start();
            m.refresh();
        }
        for (int i = 1; i <= spec.nodes; i++) {
            String name = "gw-" + i;
            GenericContainer<?> c = new GenericContainer<>(DockerEnv.nodeImage())
                    .withLabel(LABEL, scenario)
                    .withNetwork(network)
                    .withNetworkAliases(name)
                    .withEnv("GW_ADMIN_TOKEN", ADMIN_TOKEN)
                    .withEnv("JAVA_OPTS", NODE_JAVA_OPTS + " -Dhazelcast.local.publicAddress=" + name + ":5701")
                    .withCopyToContainer(Transferable.of(config), "/etc/gateway/gateway.yaml")
                    .withCommand("--config", "/etc/gateway/gateway.yaml", "--node-name", name)
                    .withLabel("dev.gateway.chaos", scenario)
                    .waitingFor(noWait())
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withName("chaos-" + scenario + "-" + runId + "-" + name);
                        cmd.withHostName(name);
                        publishOnLoopback(cmd, DockerNode.PROXY, DockerNode.ADMIN);
                        cmd.getHostConfig().withCapAdd(Capability.NET_ADMIN);
                    });
            if (spec.nodeJar != null) {
                c.withCopyToContainer(MountableFile.forHostPath(spec.nodeJar, 0644), NODE_JAR);
            }
            nodes.add(new DockerNode(name, c, network.getId(), http));
        }
        if (members.isEmpty()) {
            startedNanos = System.nanoTime();
        }
        for (DockerNode n : nodes) {
            n.container().start();
            n.refresh();
        }
    }

    private static void publishOnLoopback(com.github.dockerjava.api.command.CreateContainerCmd cmd, int... ports) {
        List<ExposedPort> exposed = new ArrayList<>();
        List<PortBinding> bindings = new ArrayList<>();
        for (int p : ports) {
            exposed.add(ExposedPort.tcp(p));
            bindings.add(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(p)));
        }
        cmd.withExposedPorts(exposed);
        cmd.getHostConfig().withPublishAllPorts(false).withPortBindings(bindings);
    }

    private static int freeLoopbackPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AbstractWaitStrategy noWait() {
        // readiness is the test's business (a node alone is not ready by design: min-size)
        return new AbstractWaitStrategy() {
            @Override
            protected void waitUntilReady() {
            }
        };
    }

    /**
     * The node config: {@code docker/compose/gateway.yaml}'s node and cluster sections (trusting
     * {@code haproxyIp} to send PROXY headers), the given shared config.
     */
    private String nodeConfig(Spec spec, String haproxyIp) {
        if (spec.members > 0) {
            return nodeSection(haproxyIp) + """
                    cluster:
                      name: chaos-%s-%s
                      mode: client
                      members: [%s]
                      min-size: %d
                      allow-minority: %s
                    """.formatted(scenario, runId, memberList(spec), spec.minSize, spec.minSize <= spec.members / 2)
                    + spec.shared;
        }
        String members = java.util.stream.IntStream.rangeClosed(1, spec.nodes)
                .mapToObj(i -> "gw-" + i + ":5701").collect(Collectors.joining(", "));
        String discovery = spec.multicast ? "multicast: {group: 224.2.2.3, port: 54327}" : "static: [" + members + "]";
        return """
                node:
                  name: gw-1
                  listen: 0.0.0.0:8080
                  admin:
                    listen: 0.0.0.0:9901
                    token: ${GW_ADMIN_TOKEN}
                  limits: {max-header-bytes: 16384, max-body-bytes: 10485760, header-timeout: 10s, idle-timeout: 60s}
                  client-address: {proxy-protocol: true, trusted: [%s/32]}
                cluster:
                  name: chaos-%s-%s
                  listen: 0.0.0.0:5701
                  discovery:
                    %s
                  expected-size: %d
                  min-size: %d
                  allow-minority: %s
                """.formatted(haproxyIp, scenario, runId, discovery, spec.nodes, spec.minSize,
                spec.minSize <= spec.nodes / 2) + spec.shared;
    }

    /** The node section of every node's config, trusting {@code haproxyIp} to send PROXY headers. */
    private static String nodeSection(String haproxyIp) {
        return """
                node:
                  name: gw-1
                  listen: 0.0.0.0:8080
                  admin:
                    listen: 0.0.0.0:9901
                    token: ${GW_ADMIN_TOKEN}
                  limits: {max-header-bytes: 16384, max-body-bytes: 10485760, header-timeout: 10s, idle-timeout: 60s}
                  client-address: {proxy-protocol: true, trusted: [%s/32]}
                """.formatted(haproxyIp);
    }

    private static String memberList(Spec spec) {
        return java.util.stream.IntStream.rangeClosed(1, spec.members).mapToObj(i -> "member-" + i + ":5701")
                .collect(Collectors.joining(", "));
    }

    /** Client topology: the members' config (their cluster section only). */
    private String memberConfig(Spec spec) {
        return """
                cluster:
                  name: chaos-%s-%s
                  listen: 0.0.0.0:5701
                  discovery:
                    static: [%s]
                  expected-size: %d
                  min-size: %d
                  allow-minority: %s
                  backups: 1
                """.formatted(scenario, runId, memberList(spec), spec.members, spec.minSize,
                spec.minSize <= spec.members / 2);
    }

    /**
     * {@code docker/compose/haproxy.cfg} with its {@code server-template gw- 1-10 gateway:8080 OPTIONS} line turned
     * into one {@code server gw-i gw-i:8080 OPTIONS} line per node: HAProxy's server names are the nodes' names.
     */
    static String haproxyConfig(int count) {
        Path file = DockerEnv.repoRoot().resolve("docker/compose/haproxy.cfg");
        List<String> out = new ArrayList<>();
        boolean found = false;
        try {
            for (String line : Files.readAllLines(file)) {
                String[] words = line.trim().split("\\s+", 5);
                if (words[0].equals("server-template") && words.length == 5 && words[1].equals("gw-")
                        && words[3].endsWith(":8080")) {
                    String indent = line.substring(0, line.indexOf("server-template"));
                    for (int i = 1; i <= count; i++) {
                        out.add(indent + "server gw-" + i + " gw-" + i + ":8080 " + words[4]);
                    }
                    found = true;
                    continue;
                }
                out.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!found) {
            throw new IllegalStateException(file + " has no 'server-template gw- 1-N gateway:8080 ...' line to generate"
                    + " the servers from");
        }
        return String.join("\n", out) + "\n";
    }

    List<DockerNode> nodes() {
        return nodes;
    }

    /** Client topology: the members, {@code member-1..M}; empty in the embedded one. */
    List<DockerNode> members() {
        return members;
    }

    /** The member named {@code name} ({@code member-N}). */
    DockerNode member(String name) {
        return members.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member " + name));
    }

    /** {@code gw-i}, 1-based. */
    DockerNode node(int i) {
        return nodes.get(i - 1);
    }

    DockerNode upstream(String name) {
        return upstreams.get(name);
    }

    /** HAProxy's proxy port on 127.0.0.1: where the clients go. */
    int proxyPort() {
        return haproxy.hostPort(8080);
    }

    Http http() {
        return http;
    }

    /**
     * Every node ready with {@code size} equal to the number of nodes (client topology: of members, every member
     * ready too), and HAProxy seeing every server UP.
     */
    long awaitFormed(Duration within) {
        int size = members.isEmpty() ? nodes.size() : members.size();
        await("cluster of " + size + " formed, every node ready and UP in HAProxy").atMost(within)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    for (DockerNode m : members) {
                        if (!m.isReady()) {
                            return false;
                        }
                    }
                    for (DockerNode n : nodes) {
                        if (!n.isReady() || n.clusterSize() != size) {
                            return false;
                        }
                    }
                    return haproxyStatus().values().stream().allMatch(s -> s.startsWith("UP"));
                });
        formedMillis = (System.nanoTime() - startedNanos) / 1_000_000;
        System.out.printf("[%s] %d nodes formed and UP in HAProxy %d ms after their containers started%n", scenario,
                nodes.size(), formedMillis);
        return formedMillis;
    }

    /** From the nodes' {@code docker start} to the cluster formed (see {@link #awaitFormed}), in ms. */
    long formedMillis() {
        return formedMillis;
    }

    /** HAProxy's view of each node ({@code status} of {@code /stats;csv}: UP, DOWN, MAINT, "UP 1/2", ...). */
    Map<String, String> haproxyStatus() {
        Http.Reply r = http.get(haproxy.hostPort(8404), "/stats;csv", Map.of(), Duration.ofSeconds(2));
        if (r.status() != 200) {
            throw new IllegalStateException("HAProxy stats: " + r);
        }
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = r.body().split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int st = header.indexOf("status");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length > st && "gateway_nodes".equals(f[px]) && f[sv].startsWith("gw-")) {
                out.put(f[sv], f[st]);
            }
        }
        return out;
    }

    /**
     * One column of HAProxy's {@code /stats;csv} per node, e.g. {@code check_status}: {@code L7OK} when the last check
     * passed (a server HAProxy put UP on a DNS answer alone, before any check, shows the previous check's result).
     */
    Map<String, String> haproxyColumn(String column) {
        Http.Reply r = http.get(haproxy.hostPort(8404), "/stats;csv", Map.of(), Duration.ofSeconds(2));
        if (r.status() != 200) {
            throw new IllegalStateException("HAProxy stats: " + r);
        }
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = r.body().split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(","));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int col = header.indexOf(column);
        if (col < 0) {
            throw new IllegalArgumentException("HAProxy stats have no column " + column + ": " + header);
        }
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length > col && "gateway_nodes".equals(f[px]) && f[sv].startsWith("gw-")) {
                out.put(f[sv], f[col]);
            }
        }
        return out;
    }

    /** Whether HAProxy no longer sends new connections to {@code node}. */
    boolean haproxyMarkedDown(DockerNode node) {
        String s = haproxyStatus().get(node.name());
        return s != null && !s.startsWith("UP");
    }

    /**
     * The Hazelcast master as {@code from} sees it: the first of its {@code /admin/cluster} members, since every
     * member lists them in join order, the oldest (the master) first. Null when {@code from} does not answer.
     */
    String master(DockerNode from) {
        List<String> members = from.members();
        return members.isEmpty() ? null : members.get(0);
    }

    /** The node named {@code name} ({@code gw-N}). */
    DockerNode node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name));
    }

    // ---- faults ----------------------------------------------------------------------------------------------

    private DockerClient docker() {
        return DockerEnv.client();
    }

    /** {@code docker kill -s KILL}: no shutdown hook, no goodbye to the cluster. */
    void kill9(DockerNode n) {
        docker().killContainerCmd(n.containerId()).withSignal("KILL").exec();
    }

    /** SIGSTOP: the JVM freezes, its sockets stay open (the kernel still accepts connections). */
    void sigstop(DockerNode n) {
        docker().killContainerCmd(n.containerId()).withSignal("STOP").exec();
    }

    void sigcont(DockerNode n) {
        docker().killContainerCmd(n.containerId()).withSignal("CONT").exec();
    }

    /** {@code docker stop -t <grace>}: SIGTERM (the node drains and leaves), SIGKILL after the grace period. */
    void dockerStop(DockerNode n, int graceSeconds) {
        docker().stopContainerCmd(n.containerId()).withTimeout(graceSeconds).exec();
    }

    /** {@code docker start} of a stopped or killed container (same file system, same address); new host ports. */
    void dockerStart(DockerNode n) {
        docker().startContainerCmd(n.containerId()).exec();
        n.refresh();
    }

    /** Puts {@code jar} where the image has the node's jar, in a stopped node's container: its next start runs it. */
    void replaceJar(DockerNode n, Path jar) {
        n.container().copyFileToContainer(MountableFile.forHostPath(jar, 0644), NODE_JAR);
    }

    /** The SHA-256 of the jar a running node's container holds. */
    String jarDigest(DockerNode n) {
        return execAsRoot(n, "sha256sum", NODE_JAR).trim().split("\\s+")[0];
    }

    /** Drops every packet between {@code n} and the other nodes (iptables in {@code n}); HAProxy still reaches it. */
    void isolate(DockerNode n) {
        iptablesAgainstPeers(n, "-I");
    }

    void heal(DockerNode n) {
        iptablesAgainstPeers(n, "-D");
    }

    /**
     * Drops what {@code from} sends to {@code to} (iptables OUTPUT in {@code from}); {@code to}'s packets still
     * reach {@code from}. At the TCP level neither side can then complete a connection to the other (the replies of
     * one direction are the packets of the other), so this cuts the pair while both still reach the third node.
     */
    void isolateOneWay(DockerNode from, DockerNode to) {
        execAsRoot(from, "iptables", "-I", "OUTPUT", "-d", to.ip(), "-j", "DROP");
    }

    void healOneWay(DockerNode from, DockerNode to) {
        execAsRoot(from, "iptables", "-D", "OUTPUT", "-d", to.ip(), "-j", "DROP");
    }

    /** {@link #isolate} or {@link #heal} in one {@code docker exec} (a few ms instead of one exec per rule). */
    void setIsolated(DockerNode n, boolean isolated) {
        String op = isolated ? "-I" : "-D";
        StringBuilder script = new StringBuilder("set -e");
        for (DockerNode peer : nodes) {
            if (peer != n) {
                script.append("; iptables ").append(op).append(" INPUT -s ").append(peer.ip()).append(" -j DROP")
                        .append("; iptables ").append(op).append(" OUTPUT -d ").append(peer.ip()).append(" -j DROP");
            }
        }
        execAsRoot(n, "sh", "-c", script.toString());
    }

    /**
     * {@code docker restart -t <grace>} of the HAProxy container (SIGTERM: HAProxy stops at once, closing every
     * connection; then a new process). Its host ports stay where they were only with {@link Spec#pinHaproxyPort}.
     */
    void restartHaproxy(int graceSeconds) {
        docker().restartContainerCmd(haproxy.containerId()).withTimeout(graceSeconds).exec();
        haproxy.refresh();
    }

    private void iptablesAgainstPeers(DockerNode n, String op) {
        for (DockerNode peer : nodes) {
            if (peer != n) {
                execAsRoot(n, "iptables", op, "INPUT", "-s", peer.ip(), "-j", "DROP");
                execAsRoot(n, "iptables", op, "OUTPUT", "-d", peer.ip(), "-j", "DROP");
            }
        }
    }

    /** Runs a command in the container as root; fails on a non-zero exit. Returns its output. */
    String execAsRoot(DockerNode n, String... command) {
        ExecCreateCmdResponse exec = docker().execCreateCmd(n.containerId()).withUser("root")
                .withAttachStdout(true).withAttachStderr(true).withCmd(command).exec();
        StringBuilder out = new StringBuilder();
        try {
            boolean done = docker().execStartCmd(exec.getId()).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion(30, TimeUnit.SECONDS);
            if (!done) {
                throw new IllegalStateException(n.name() + ": " + String.join(" ", command) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Long code = docker().inspectExecCmd(exec.getId()).exec().getExitCodeLong();
        if (code == null || code != 0) {
            throw new IllegalStateException(n.name() + ": " + String.join(" ", command) + " exited " + code + ": " + out);
        }
        return out.toString();
    }

    // ---- cleanup ---------------------------------------------------------------------------------------------

    private List<DockerNode> all() {
        List<DockerNode> all = new ArrayList<>(nodes);
        all.addAll(members);
        all.addAll(upstreams.values());
        if (haproxy != null) {
            all.add(haproxy);
        }
        return all;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        Path dir = GatewayJar.moduleDir().resolve("target/chaos-logs/docker/" + scenario);
        for (DockerNode n : all()) {
            saveLog(n, dir);
        }
        removeAll();
        try {
            removeLeftovers(scenario); // anything the removal by id missed, by label
        } catch (RuntimeException e) {
            System.err.println("[" + scenario + "] cannot sweep containers by label: " + e);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        http.close();
    }

    private void saveLog(DockerNode n, Path dir) {
        if (n.container().getContainerId() == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(n.name().toLowerCase(Locale.ROOT) + ".log"), log(n));
        } catch (Exception e) {
            System.err.println("[" + scenario + "] cannot save the log of " + n.name() + ": " + e);
        }
    }

    /**
     * Everything the container has written so far, over all its starts, each line prefixed with the engine's
     * timestamp (RFC 3339, this host's clock).
     */
    String log(DockerNode n) throws InterruptedException {
        String id = n.container().getContainerId();
        if (id == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        docker().logContainerCmd(id).withStdOut(true).withStdErr(true).withTimestamps(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }).awaitCompletion(20, TimeUnit.SECONDS);
        return out.toString();
    }

    private synchronized void removeAll() {
        if (closed) {
            return;
        }
        closed = true;
        for (DockerNode n : all()) {
            String id = n.container().getContainerId();
            if (id == null) {
                continue;
            }
            try {
                docker().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (RuntimeException e) {
                System.err.println("[" + scenario + "] cannot remove " + n.name() + ": " + e);
            }
        }
        try {
            network.close();
        } catch (RuntimeException e) {
            System.err.println("[" + scenario + "] cannot remove the network: " + e);
        }
    }
}
