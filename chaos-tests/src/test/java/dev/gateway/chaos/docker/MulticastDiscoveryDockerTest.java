package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 7: three nodes configured with {@code discovery: {multicast: {group: 224.2.2.3, port: 54327}}} and no
 * member list find each other on the Docker bridge network (cluster size 3 on each), and serve through HAProxy.
 */
@Timeout(240)
class MulticastDiscoveryDockerTest extends DockerScenario {
    static final int CLIENTS = 8;
    static final int RATE = 150;

    @Test
    void threeNodesFindEachOtherByMulticast() {
        gateway = DockerGateway.spec("multicast").multicast().shared(ONE_ROUTE).start();
        ChaosReport report = new ChaosReport("multicast", "7. multicast discovery (no member list)");
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> Target.plain("/hello")));
        load.mark("cluster formed " + gateway.formedMillis() + " ms after the nodes' start");
        Phases.hold(Duration.ofSeconds(3));
        Map<String, Integer> sizes = gateway.nodes().stream()
                .collect(Collectors.toMap(DockerNode::name, DockerNode::clusterSize, (a, b) -> a, java.util.TreeMap::new));
        List<Sample> samples = load.stop();
        long failed = samples.stream().filter(Sample::failed).count();
        long ok = samples.stream().filter(s -> !s.failed()).count();
        report.claim("cluster size seen by each node", sizes.toString(), "3 on each",
                sizes.values().stream().allMatch(s -> s == 3));
        report.claim("formed (every node ready, size 3, UP in HAProxy)", gateway.formedMillis() + " ms after the nodes' start",
                "within " + DockerGateway.FORM_TIMEOUT.toSeconds() + " s", gateway.formedMillis() > 0);
        report.claim("answers through HAProxy", ok + " OK, " + failed + " failed", "0 failed", failed == 0 && ok > 0);
        report.write(load, samples);
        report.assertAllHold();
    }
}
