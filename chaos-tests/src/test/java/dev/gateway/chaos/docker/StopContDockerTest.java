package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 2: SIGSTOP one node of three for 20 s under load, then SIGCONT. The frozen JVM keeps its sockets (the
 * kernel still accepts connections), so what HAProxy sent it hangs: the clients' errors stay bounded (at most one
 * stuck request per client thread), the other two serve, drop it from the cluster (size 2), and after SIGCONT it
 * rejoins (size 3 everywhere) and is ready and UP in HAProxy again.
 */
@Timeout(300)
class StopContDockerTest extends DockerScenario {
    /** From HAProxy's mark-down, the time the issue allows until full throughput. */
    static final long SETTLE_NANOS = 2_000_000_000L;
    static final int CLIENTS = 8;
    static final int RATE = 150;
    static final Duration FROZEN = Duration.ofSeconds(20);

    @Test
    void aFrozenNodeIsRemovedWhileTheOthersServeAndRejoinsWhenItThaws() {
        gateway = DockerGateway.spec("sigstop").shared(ONE_ROUTE).start();
        ChaosReport report = new ChaosReport("sigstop", "2. SIGSTOP one node for 20 s, then SIGCONT");
        Target main = Target.plain("/hello");
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> main));
        DockerNode victim = gateway.node(2);
        List<DockerNode> others = List.of(gateway.node(1), gateway.node(3));

        Phases.hold(Duration.ofSeconds(3));
        long stoppedAt = load.mark("SIGSTOP " + victim.name());
        gateway.sigstop(victim);
        long[] downAt = {-1};
        long[] removedAt = {-1};
        // HAProxy's view alone, polled every 50 ms: the members' admin calls below can take a while during the freeze
        Phases.until("HAProxy marks " + victim.name() + " down", Duration.ofSeconds(15), Duration.ofMillis(50), () -> {
            if (gateway.haproxyMarkedDown(victim)) {
                downAt[0] = load.mark("HAProxy: " + victim.name() + " " + gateway.haproxyStatus().get(victim.name()));
                return true;
            }
            return false;
        });
        Phases.hold(FROZEN.minusNanos(load.now() - stoppedAt), Duration.ofMillis(250), () -> {
            if (removedAt[0] < 0 && others.stream().allMatch(n -> n.clusterSize() == 2)) {
                removedAt[0] = load.mark("gw-1 and gw-3 see 2 members");
            }
        });
        long contAt = load.mark("SIGCONT " + victim.name());
        gateway.sigcont(victim);
        long[] rejoinedAt = {-1};
        long[] upAt = {-1};
        Phases.until(victim.name() + " back: size 3 on every node, ready, UP in HAProxy", Duration.ofSeconds(90),
                Duration.ofMillis(250), () -> {
                    if (rejoinedAt[0] < 0 && gateway.nodes().stream().allMatch(n -> n.clusterSize() == 3)) {
                        rejoinedAt[0] = load.mark("size 3 on every node");
                    }
                    if (rejoinedAt[0] >= 0 && upAt[0] < 0 && victim.isReady()
                            && gateway.haproxyStatus().get(victim.name()).startsWith("UP")) {
                        upAt[0] = load.mark(victim.name() + " ready and UP in HAProxy");
                    }
                    return upAt[0] >= 0;
                });
        Phases.hold(Duration.ofSeconds(2));
        List<Sample> samples = load.stop();

        long failed = samples.stream().filter(Sample::failed).count();
        long servedWhileFrozen = samples.stream()
                .filter(s -> s.startNanos() > stoppedAt && s.endNanos() < contAt && !s.failed()).count();
        long dueUntilDown = samples.stream().filter(s -> s.startNanos() > stoppedAt && s.startNanos() <= downAt[0]).count();
        // open loop: HAProxy sends a third of the requests to the frozen node until it marks it down; those hang,
        // and shutdown-sessions ends them at the mark-down. Nothing due after that may fail.
        long failedAfterDown = samples.stream().filter(s -> s.failed() && s.startNanos() > downAt[0]).count();
        report.claim("client errors and no-answers over the scenario", Long.toString(failed),
                "<= " + CLIENTS + " (a request on each client's connection to the frozen node)", failed <= CLIENTS);
        report.claim("failed requests due after HAProxy marked it down", Long.toString(failedAfterDown), "0",
                downAt[0] > 0 && failedAfterDown == 0);
        // a request HAProxy gave the frozen node waits until the mark-down closes its connection (then the client
        // retries it elsewhere): the bound is the mark-down time plus a second, whatever HAProxy's check timing
        long p99Bound = Phases.millis(downAt[0] - stoppedAt) + 1_000;
        report.failover("SIGSTOP", samples, stoppedAt, downAt[0] + SETTLE_NANOS, contAt, p99Bound);
        report.claim("answers served by the other two while it was frozen", Long.toString(servedWhileFrozen),
                "> 0", servedWhileFrozen > 0);
        report.claim("the others drop it from the cluster (size 2 on gw-1 and gw-3)",
                removedAt[0] < 0 ? "not within 20 s" : Phases.millis(removedAt[0] - stoppedAt) + " ms after SIGSTOP",
                "while frozen", removedAt[0] > 0);
        report.claim("it rejoins: size 3 on every node", Phases.millis(rejoinedAt[0] - contAt) + " ms after SIGCONT",
                "within 90 s", rejoinedAt[0] > 0);
        report.claim("it is ready again and UP in HAProxy", Phases.millis(upAt[0] - contAt) + " ms after SIGCONT",
                "within 90 s", upAt[0] > 0);
        // the check connects (the kernel still accepts), then times out reading: timeout check 500ms, fall 2, inter
        // 500: 1.0 to 2.0 s after the freeze by HAProxy's schedule, + 250 ms for this test to see it
        report.claim("HAProxy marks the frozen node down", downAt[0] < 0 ? "never"
                        : Phases.millis(downAt[0] - stoppedAt) + " ms after SIGSTOP",
                "<= " + KillNodeDockerTest.MARK_DOWN_BOUND_MS + " ms", downAt[0] > 0
                        && Phases.millis(downAt[0] - stoppedAt) <= KillNodeDockerTest.MARK_DOWN_BOUND_MS);
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }
}
