package dev.gateway.cluster.member;

import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.DiscoveryStrategyConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MulticastConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.config.TcpIpConfig;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.HostPort;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Translates the {@code cluster:} section into the one Hazelcast {@link Config} a gateway member runs with.
 * Every knob Hazelcast has that is not named here keeps its default; every knob that opens the member to
 * more than the configured peers is closed. {@link ClusterMember#start} is the only caller.
 */
final class MemberConfig {
    /** On for a static list with peers ({@link AnsweringPeers}), off otherwise. */
    static final String DISCOVERY_SPI = "hazelcast.discovery.enabled";

    /**
     * Hazelcast properties, with the reason for each value. Failure detection: a killed member misses
     * heartbeats (1 s apart) and is removed after 5 s (default 60 s), so quorum and readiness reflect a
     * dead node within seconds; a closed TCP connection is noticed sooner by the connection monitor. Merge: after
     * a partition heals, the two sides look for each other after 5 s and then every 5 s (defaults 300 s / 120 s
     * would leave quotas split for minutes); with a static list, each round dials only the listed peers that
     * answer a probe ({@link AnsweringPeers}: dialling a frozen peer made the master's output I/O thread spin and
     * the master lose its cluster). Join: a master batches join requests for 1 s, at most 5 s (defaults 5 s /
     * 20 s), so a restarted node is back in the cluster, and ready, within seconds. Shutdown: the JVM shutdown hook
     * migrates partitions away (GRACEFUL) for at most 30 s, instead of Hazelcast's 600 s, so a SIGTERM cannot
     * hang a node for ten minutes. Retries: an operation that meets its partition in migration (a member joining
     * or leaving) is retried after 50 ms, not 500 ms, so a rate-limit check still answers within its 500 ms
     * budget during a rolling restart instead of falling back (the Docker rolling-restart scenario saw 429s).
     * Backups: a write whose owner has answered but whose synchronous backup has not acknowledged completes after
     * 250 ms (Hazelcast's invocation monitor looks every second, so within about 1.25 s), not 5 s. A backup that
     * does not acknowledge is almost always a member that died and is not yet removed; waiting 5 s for it made
     * every rate-limit check on the buckets it backed miss its 500 ms budget and fall back, fail-closed refusals
     * taking tokens that had been consumed on the owner (137 in one kill-the-backup run). The cost: a backup
     * slower than 250 ms whose owner then dies within that moment lacks that one write.
     */
    static final Map<String, String> PROPERTIES = Map.ofEntries(
            Map.entry("hazelcast.phone.home.enabled", "false"),
            Map.entry("hazelcast.heartbeat.interval.seconds", "1"),
            Map.entry("hazelcast.max.no.heartbeat.seconds", "5"),
            Map.entry("hazelcast.merge.first.run.delay.seconds", "5"),
            Map.entry("hazelcast.merge.next.run.delay.seconds", "5"),
            Map.entry("hazelcast.wait.seconds.before.join", "1"),
            Map.entry("hazelcast.max.wait.seconds.before.join", "5"),
            Map.entry("hazelcast.shutdownhook.enabled", "true"),
            Map.entry("hazelcast.shutdownhook.policy", "GRACEFUL"),
            Map.entry("hazelcast.graceful.shutdown.max.wait", "30"),
            Map.entry("hazelcast.invocation.retry.pause.millis", "50"),
            Map.entry("hazelcast.operation.backup.timeout.millis", "250"));

    /**
     * How long a static peer gets to accept the probe connection, and then to answer the cluster protocol, before
     * {@link AnsweringPeers} leaves it out of a join or merge round. A live member answers within milliseconds;
     * the round waits this long twice at most for each listed peer that is not a member.
     */
    static final Duration PEER_PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** Up to this many processors (as the JVM sees them: a {@code taskset} counts), a machine is small. */
    static final int SMALL_MACHINE_PROCESSORS = 2;

    /**
     * Threads on a small machine. Hazelcast sizes for a server: 3 input and 3 output I/O threads and 2 response
     * threads, each a wake-up and a context switch per rate-limit call on a core shared with the proxy. One I/O
     * thread each way, and responses handled on the I/O thread that reads them (no response thread: the
     * callbacks still run on the common pool, never on the I/O thread), took gw-1's CPU per check from about 13
     * to about 11 us and the check's light-load p99 from 418-541 to 297-324 us in bench/cluster.sh --hot-key
     * with the owners on their own core (see bench/README.md).
     */
    static final Map<String, String> SMALL_MACHINE_PROPERTIES = Map.of(
            "hazelcast.io.thread.count", "1",
            "hazelcast.operation.response.thread.count", "0");

    /**
     * Java deserialization allow-list (defaults disabled, so everything else is denied): our own classes,
     * Hazelcast's and bucket4j's (entry processors, backup processors), arrays, and the JDK value, collection,
     * time and exception types that values and remote exceptions are made of. Deliberately absent: java.net
     * (URL is the classic DNS gadget), java.io beyond exceptions, javax.*, sun.*, jdk.*, java.lang.invoke
     * (serializable lambdas: write a class), java.util.concurrent.atomic and every third-party library.
     */
    static final List<String> ALLOWED_PREFIXES = List.of("dev.gateway.", "com.hazelcast.", "io.github.bucket4j.", "[");
    static final List<String> ALLOWED_PACKAGES =
            List.of("java.lang", "java.util", "java.util.concurrent", "java.time", "java.math");
    static final List<String> ALLOWED_CLASSES = List.of("java.io.IOException", "java.io.UncheckedIOException",
            "java.io.EOFException", "java.io.ObjectStreamException", "java.io.InvalidClassException",
            "java.io.NotSerializableException");

    private MemberConfig() {
    }

    /**
     * @throws IllegalArgumentException when {@code cluster.listen} does not name an address of this machine
     */
    static Config build(ClusterSettings settings, String nodeName) {
        return build(settings, nodeName, Runtime.getRuntime().availableProcessors(), System::getProperty);
    }

    /** As {@link #build(ClusterSettings, String)} on a machine with {@code processors} and these system properties. */
    static Config build(ClusterSettings settings, String nodeName, int processors,
                        UnaryOperator<String> systemProperties) {
        Objects.requireNonNull(settings, "settings");
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("nodeName: " + (nodeName == null ? "null" : "'" + nodeName + "'")
                    + " (expected: a non-blank name)");
        }
        InetAddress bind = localAddress(settings.listen());
        boolean bindAny = bind.isAnyLocalAddress();

        Config config = new Config();
        config.setClusterName(settings.name());
        if (settings.listen().port() > 0) {
            config.setInstanceName(nodeName + "-" + settings.listen().port());
        }
        config.getMemberAttributeConfig().setAttribute(ClusterMember.NODE_NAME_ATTRIBUTE, nodeName);
        config.getMemberAttributeConfig().setAttribute(Build.ATTRIBUTE, Build.version());
        PROPERTIES.forEach(config::setProperty);
        if (processors <= SMALL_MACHINE_PROCESSORS) {
            // a property given on the command line wins: config properties would override it
            SMALL_MACHINE_PROPERTIES.forEach((name, value) -> {
                if (systemProperties.apply(name) == null) {
                    config.setProperty(name, value);
                }
            });
        }
        config.setProperty("hazelcast.logging.type", slf4jPresent() ? "slf4j" : "jdk");
        config.setProperty("hazelcast.socket.bind.any", Boolean.toString(bindAny));
        if (bind instanceof Inet6Address) {
            config.setProperty("hazelcast.prefer.ipv4.stack", "false");
        }
        network(config, settings, bind);
        config.getSerializationConfig().setJavaSerializationFilterConfig(deserializationFilter());
        config.addSplitBrainProtectionConfig(quorum(settings.minSize()));
        config.getJetConfig().setEnabled(false);
        return config;
    }

    private static void network(Config config, ClusterSettings settings, InetAddress bind) {
        NetworkConfig network = config.getNetworkConfig();
        int port = settings.listen().port();
        network.setPort(port).setPortAutoIncrement(false).setPortCount(1);
        if (!bind.isAnyLocalAddress()) {
            network.getInterfaces().setEnabled(true).clear().addInterface(bind.getHostAddress());
            if (port > 0) {
                network.setPublicAddress(new HostPort(bind.getHostAddress(), port).toString());
            }
        }
        JoinConfig join = network.getJoin();
        join.getAutoDetectionConfig().setEnabled(false);
        join.getAwsConfig().setEnabled(false);
        join.getGcpConfig().setEnabled(false);
        join.getAzureConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(false);
        join.getEurekaConfig().setEnabled(false);
        MulticastConfig multicast = join.getMulticastConfig().setEnabled(false);
        TcpIpConfig tcpIp = join.getTcpIpConfig().setEnabled(false);
        var discovery = settings.discovery();
        // a member listed with port 0 cannot be dialled: {listen: 127.0.0.1:0, static: [self]} runs alone
        List<HostPort> dialable = discovery.staticMembers().stream().filter(member -> member.port() > 0).toList();
        List<HostPort> peers = dialable.stream().filter(member -> !member.equals(settings.listen())).toList();
        if (discovery.kubernetes() != null) {
            // Hazelcast's built-in Kubernetes discovery in DNS lookup mode: the peers are what the headless
            // Service's name resolves to, looked up again on every join and merge round; no API access needed
            var kubernetes = join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", discovery.kubernetes().serviceDns());
            if (discovery.kubernetes().servicePort() > 0) {
                kubernetes.setProperty("service-port", Integer.toString(discovery.kubernetes().servicePort()));
            }
            config.setProperty(DISCOVERY_SPI, "false");
        } else if (discovery.multicast() != null) {
            multicast.setEnabled(true)
                    .setMulticastGroup(discovery.multicast().group())
                    .setMulticastPort(discovery.multicast().port())
                    // stay on the local link; across subnets, use a static member list
                    .setMulticastTimeToLive(1)
                    .setLoopbackModeEnabled(bind.isLoopbackAddress());
            config.setProperty(DISCOVERY_SPI, "false");
        } else if (peers.isEmpty()) {
            // nobody else to dial: Hazelcast's TCP/IP joiner makes this member its own master at once
            tcpIp.setEnabled(true);
            dialable.forEach(member -> tcpIp.addMember(member.toString()));
            config.setProperty(DISCOVERY_SPI, "false");
        } else {
            // the static list, minus the peers that do not answer the cluster protocol: see AnsweringPeers for
            // why Hazelcast's TCP/IP joiner must not dial a frozen peer
            join.getDiscoveryConfig().addDiscoveryStrategyConfig(new DiscoveryStrategyConfig(
                    new AnsweringPeers.Factory(peers, settings.listen(), new ClusterProtocolProbe(PEER_PROBE_TIMEOUT))));
            config.setProperty(DISCOVERY_SPI, "true");
        }
    }

    static JavaSerializationFilterConfig deserializationFilter() {
        ClassFilter allowed = new ClassFilter()
                .addPrefixes(ALLOWED_PREFIXES.toArray(String[]::new))
                .addPackages(ALLOWED_PACKAGES.toArray(String[]::new))
                .addClasses(ALLOWED_CLASSES.toArray(String[]::new));
        return new JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(allowed);
    }

    /**
     * Hazelcast refuses a split-brain protection below 2 members; with {@code min-size: 1} the config is
     * still registered (so map configs may name it unconditionally) but disabled, which makes it a no-op.
     */
    private static SplitBrainProtectionConfig quorum(int minSize) {
        return new SplitBrainProtectionConfig(ClusterMember.QUORUM_NAME, minSize >= 2, Math.max(2, minSize));
    }

    private static InetAddress localAddress(HostPort listen) {
        InetAddress address;
        try {
            address = InetAddress.getByName(listen.host());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cluster.listen: '" + listen + "' does not resolve"
                    + " (expected: an address of this machine)", e);
        }
        try {
            if (!address.isAnyLocalAddress() && NetworkInterface.getByInetAddress(address) == null) {
                throw new IllegalArgumentException("cluster.listen: '" + listen + "' is not an address of this machine"
                        + " (expected: the IP of a local interface, or 0.0.0.0 for all)");
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cluster.listen: cannot list the network interfaces: " + e.getMessage(), e);
        }
        return address;
    }

    static boolean slf4jPresent() {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, MemberConfig.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
