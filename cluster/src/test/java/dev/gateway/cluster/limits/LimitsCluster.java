package dev.gateway.cluster.limits;

import static org.awaitility.Awaitility.await;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.limiter.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Embedded members for the limits tests, in this JVM: loopback only, TCP-IP join on explicit ports
 * (5800-5899 belong to the limits tests; each test class owns a few), a cluster name unique per start,
 * multicast and auto-detection off, no phone-home, no logging, fast failure detection, and a Java
 * deserialization filter that admits only what Hazelcast itself sends that way (the exceptions in its
 * responses), never this project's or bucket4j's classes: the limiter never relies on Java serialization.
 *
 * <p>The filter once admitted nothing at all. Then a {@code PartitionMigratingException} answered to a call
 * during a migration could not be read by the caller: Hazelcast dropped the response, and the call hung
 * until its timeout (30 s in the failover test, under CPU load).
 */
final class LimitsCluster implements AutoCloseable {

    /**
     * What the test members Java-deserialize: Hazelcast's classes and the JDK types its exceptions are made of
     * (stack traces, suppressed lists). Unlike a gateway member's filter, no {@code dev.gateway.} and no
     * {@code io.github.bucket4j.} classes.
     */
    static final String[] HAZELCAST_PREFIXES = {"com.hazelcast.", "["};
    static final String[] JDK_PACKAGES = {"java.lang", "java.util"};

    private final List<HazelcastInstance> members;
    private final FollowedClock clock;

    private LimitsCluster(List<HazelcastInstance> members, FollowedClock clock) {
        this.members = members;
        this.clock = clock;
    }

    static LimitsCluster start(String name, int firstPort, int size) {
        return start(name, firstPort, size, 1);
    }

    /** {@code size} members whose limit maps keep {@code backups} synchronous backups. */
    static LimitsCluster start(String name, int firstPort, int size, int backups) {
        return start(name, firstPort, size, backups, List.of());
    }

    /** Every member's clock, from now on: {@code ticker} (members started with clocks of their own excepted). */
    void follow(Ticker ticker) {
        clock.follow(ticker);
    }

    /**
     * As {@link #start(String, int, int, int)}, member {@code i} running on {@code clocks.get(i)} when given, else
     * on the clock the test {@link #follow follows}.
     */
    static LimitsCluster start(String name, int firstPort, int size, int backups, List<? extends Ticker> clocks) {
        String clusterName = name + "-" + UUID.randomUUID();
        List<Integer> ports = IntStream.range(firstPort, firstPort + size).boxed().toList();
        List<HazelcastInstance> members = new ArrayList<>();
        FollowedClock followed = new FollowedClock();
        try {
            for (int i = 0; i < ports.size(); i++) {
                Config config = config(clusterName, ports.get(i), ports, backups);
                MemberClock.install(config, i < clocks.size() ? clocks.get(i) : followed);
                members.add(Hazelcast.newHazelcastInstance(config));
            }
        } catch (RuntimeException e) {
            members.forEach(m -> m.getLifecycleService().terminate());
            throw e;
        }
        // Partitions migrate to the members that just joined: the first calls would wait for that (a first
        // test under CI load once timed out its 5 s), so tests start once every partition is in place.
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> members.get(0).getPartitionService().isClusterSafe());
        } catch (RuntimeException | Error e) {
            members.forEach(m -> m.getLifecycleService().terminate());
            throw e;
        }
        return new LimitsCluster(members, followed);
    }

    static Config config(String clusterName, int port, List<Integer> ports, int backups) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(clusterName + "-" + port);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.discovery.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.partition.count", "31");
        config.setProperty("hazelcast.invocation.retry.pause.millis", "50"); // as a gateway member (MemberConfig)
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.getJetConfig().setEnabled(false);
        config.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                .setDefaultsDisabled(true)
                .setWhitelist(new ClassFilter().addPrefixes(HAZELCAST_PREFIXES).addPackages(JDK_PACKAGES)));

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        ports.forEach(p -> join.getTcpIpConfig().addMember("127.0.0.1:" + p));

        RateLimitMaps.register(config, Duration.ZERO, backups);
        return config;
    }

    HazelcastInstance member(int index) {
        return members.get(index);
    }

    /** The member owning {@code key}'s partition (the same for both limit maps). */
    HazelcastInstance ownerOf(String key) {
        Member owner = members.get(0).getPartitionService().getPartition(key).getOwner();
        return members.stream().filter(m -> m.getLifecycleService().isRunning())
                .filter(m -> m.getCluster().getLocalMember().equals(owner)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no running owner for '" + key + "'"));
    }

    @Override
    public void close() {
        members.forEach(m -> m.getLifecycleService().terminate());
    }
}
