package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import dev.gateway.chaos.support.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scenario 5: a config push while a node is down. gw-3 is killed (SIGKILL); a new config (its route answers
 * {@code X-Config: v2}) is PUT on gw-1; gw-1 and gw-2 serve it; gw-3 is started again from its old file and state
 * (version 1): it must serve the new version before it reports ready, so that HAProxy never sends a client to it
 * while it runs the old one. Polled every 100 ms from its start: {@code /health/ready}, then
 * {@code /admin/config}'s version, then a request straight to its proxy port; since a version only goes up, a
 * poll that was ready and then read the old version (or got an old answer) is a violation.
 */
@Timeout(300)
class ConfigPushDuringFailureDockerTest extends DockerScenario {
    static final int CLIENTS = 8;
    static final int RATE = 150;
    static final String SHARED = """
            upstreams:
              demo:
                targets:
                  - {url: "http://upstream-a:9000"}
                timeouts: {connect: 1s, response: 5s}
            routes:
              - id: all
                match: {path: "/**"}
                upstream: demo
                response: {set-headers: {X-Config: "%s"}}
            observability:
              access-log: {format: "off"}
            """;

    record Poll(long atNanos, long version, int ready, String tag) {
    }

    @Test
    void aNodeRestartedAfterAPushServesTheNewVersionBeforeItIsReady() {
        gateway = DockerGateway.spec("config-push").shared(SHARED.formatted("v1")).start();
        ChaosReport report = new ChaosReport("config-push", "5. config push while a node is down, then its restart");
        Target main = Target.plain("/hello");
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE, n -> main));
        DockerNode down = gateway.node(3);
        List<DockerNode> up = List.of(gateway.node(1), gateway.node(2));

        Phases.hold(Duration.ofSeconds(3));
        long killedAt = load.mark("SIGKILL gw-3");
        gateway.kill9(down);
        long[] outAt = {-1};
        Phases.until("gw-3 out of HAProxy and of the cluster", Duration.ofSeconds(30), Duration.ofMillis(250), () -> {
            if (gateway.haproxyMarkedDown(down) && up.stream().allMatch(n -> n.clusterSize() == 2)) {
                outAt[0] = load.mark("gw-3 DOWN in HAProxy, gw-1 and gw-2 see 2 members");
                return true;
            }
            return false;
        });
        long putAt = load.mark("PUT /admin/config (X-Config: v2) on gw-1");
        Http.Reply put = gateway.node(1).admin("PUT", "/admin/config", SHARED.formatted("v2"));
        long v2 = put.status() == 200 ? put.json().path("version").asLong() : -1;
        long[] servedAt = {-1};
        if (v2 > 0) {
            Phases.until("gw-1 and gw-2 serve version " + v2, Duration.ofSeconds(20), Duration.ofMillis(100), () -> {
                if (up.stream().allMatch(n -> n.configVersion() == v2 && "v2".equals(n.proxyGet("/hello").header("X-Config")))) {
                    servedAt[0] = load.mark("gw-1 and gw-2 serve version " + v2);
                    return true;
                }
                return false;
            });
        }
        Phases.hold(Duration.ofSeconds(2));

        long startAt = load.mark("docker start gw-3 (its file and state: version 1)");
        gateway.dockerStart(down);
        List<Poll> polls = new ArrayList<>();
        long[] readyAt = {-1};
        long[] upAt = {-1};
        Phases.until("gw-3 ready and UP in HAProxy", Duration.ofSeconds(120), Duration.ofMillis(100), () -> {
            int ready = down.ready().status();
            long version = safe(down::configVersion);
            String tag = ready == -1 ? null : down.proxyGet("/hello").header("X-Config");
            polls.add(new Poll(load.now(), version, ready, tag));
            if (ready == 200 && readyAt[0] < 0) {
                readyAt[0] = load.mark("gw-3 ready (version " + version + ", serves " + tag + ")");
            }
            if (readyAt[0] >= 0 && gateway.haproxyStatus().get(down.name()).startsWith("UP")) {
                upAt[0] = load.mark("gw-3 UP in HAProxy");
                return true;
            }
            return false;
        });
        Phases.hold(Duration.ofSeconds(2));
        List<Sample> samples = load.stop();

        long failed = samples.stream().filter(Sample::failed).count();
        long readyWithOld = polls.stream().filter(p -> p.ready() == 200 && (p.version() != v2 || !"v2".equals(p.tag()))).count();
        long oldBeforeReady = polls.stream().filter(p -> p.ready() != 200 && "v1".equals(p.tag())).count();
        Poll firstV2 = polls.stream().filter(p -> p.version() == v2).findFirst().orElse(null);
        Poll firstReady = polls.stream().filter(p -> p.ready() == 200).findFirst().orElse(null);
        long staleThroughHaproxy = samples.stream()
                .filter(s -> servedAt[0] > 0 && s.startNanos() > servedAt[0] && !s.failed() && !"v2".equals(s.configTag()))
                .count();
        report.claim("PUT on gw-1 while gw-3 is down", put.status() + ", version " + v2, "200", put.status() == 200);
        report.claim("gw-1 and gw-2 serve the new version", servedAt[0] < 0 ? "not within 20 s"
                : Phases.millis(servedAt[0] - putAt) + " ms after the PUT", "within 20 s", servedAt[0] > 0);
        report.claim("gw-3 polls that were ready while not on the new version (version or proxy answer)",
                readyWithOld + " of " + polls.size(), "0", readyWithOld == 0 && firstReady != null);
        report.claim("gw-3 on the new version before ready", firstV2 == null || firstReady == null ? "never"
                        : "version " + v2 + " seen " + Phases.millis(firstV2.atNanos() - startAt) + " ms, ready "
                        + Phases.millis(firstReady.atNanos() - startAt) + " ms after its start",
                "version first", firstV2 != null && firstReady != null && firstV2.atNanos() <= firstReady.atNanos());
        report.claim("answers through HAProxy after gw-1 and gw-2 served v2 that were not v2",
                Long.toString(staleThroughHaproxy), "0", staleThroughHaproxy == 0);
        report.claim("client errors and no-answers", Long.toString(failed), "<= " + CLIENTS
                + " (a request on each client's connection to the dead node: see KillNodeDockerTest)", failed <= CLIENTS);
        report.note("gw-3 answered its proxy port with v1 while not ready: " + oldBeforeReady + " polls"
                + "; UP in HAProxy " + (upAt[0] < 0 ? "never" : Phases.millis(upAt[0] - startAt) + " ms after its start")
                + "; it was out of the cluster " + Phases.millis(outAt[0] - killedAt) + " ms after the kill");
        if (failed > 0) {
            report.note("failures: " + Phases.describeFailures(samples, 10));
        }
        report.write(load, samples);
        report.assertAllHold();
    }

    private static long safe(java.util.function.LongSupplier s) {
        try {
            return s.getAsLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
