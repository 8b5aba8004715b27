package dev.gateway.cluster.member;

import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.HostPort;
import dev.gateway.config.Multicast;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child-JVM main for {@link MulticastDiscoveryTest}: starts a member on 127.0.0.1 with multicast discovery,
 * waits until it sees {@code expected-size} members (or 30 s), prints
 * {@code SIZE <n> <node names, comma-separated>}, then stays in the cluster until its stdin closes.
 *
 * <p>Arguments: cluster-name listen-port multicast-group multicast-port expected-size node-name
 */
public final class MulticastMemberMain {
    private MulticastMemberMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int expected = Integer.parseInt(args[4]);
        ClusterSettings settings = new ClusterSettings(args[0], new HostPort("127.0.0.1", Integer.parseInt(args[1])),
                new Discovery(List.of(), new Multicast(args[2], Integer.parseInt(args[3]))), expected, 1, true);
        ClusterMember member = ClusterMember.start(settings, args[5]);
        try {
            CountDownLatch formed = new CountDownLatch(1);
            ClusterMember.Subscription subscription = member.addMembershipListener(() -> {
                if (member.size() >= expected) {
                    formed.countDown();
                }
            });
            if (member.size() >= expected) {
                formed.countDown();
            }
            formed.await(30, TimeUnit.SECONDS);
            subscription.close();
            List<String> names = member.members().stream().map(MemberInfo::nodeName).sorted().toList();
            System.out.println("SIZE " + member.size() + " " + String.join(",", names));
            System.out.flush();
            while (System.in.read() >= 0) {
                // stay a member until the test closes our stdin
            }
        } finally {
            member.hazelcast().getLifecycleService().terminate();
        }
    }
}
