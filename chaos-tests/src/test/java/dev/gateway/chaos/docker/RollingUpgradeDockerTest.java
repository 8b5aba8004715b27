package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import dev.gateway.chaos.support.GatewayJar;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rolling upgrade from the previous release ({@link PreviousRelease}: {@code releases/PREVIOUS}, built from its
 * source archive) to this build, under load through HAProxy. Three nodes start on the previous release's jar, with
 * a global token-bucket quota and a cluster breaker opened before the roll; then one node at a time: {@code docker
 * stop} (SIGTERM, drain, leave), this build's jar put in its place, {@code docker start}, ready and UP, the next.
 * Old and new nodes serve together for most of the run, and a config is published once on an old node and once on
 * a new one while they do.
 *
 * <p>Claims: no error on the plain route and full throughput from the first stop (a graceful restart costs
 * nothing); every admitted quota request took its token from the cluster's bucket (admitted and consumed agree:
 * a check that fell back because old and new members could not talk would be admitted without taking one, a reset
 * would give tokens back); the breaker stays open on every node; each published config runs on every node, old
 * and new; and the nodes really ran the previous release first and this build at the end (the jars' digests).
 */
@Timeout(900)
class RollingUpgradeDockerTest extends DockerScenario {
    static final int CLIENTS = 8;
    static final long P99_BOUND_MS = 1_000;
    static final int RATE = 150;
    static final int QUOTA = 300;
    static final long QUOTA_PERIOD_SECONDS = 86_400;
    /**
     * A check that meets a partition migration (a member leaving or joining) can exceed its 500 ms budget and fall
     * back to {@code local}, admitted without a token: 1 or 2 per step at 1.5 checks a second in the rolling restart,
     * so at most 5 at the 6 a second here. Old and new members that cannot talk fall back on most checks while they
     * serve together (one extra field in the bucket command, on purpose: 10 of 39 at 1.5 a second).
     */
    static final int MIGRATION_FALLBACKS_PER_STEP = 5;
    static final String SHARED = """
            upstreams:
              demo:
                targets:
                  - {url: "http://upstream-a:9000"}
                timeouts: {connect: 1s, response: 5s}
              dead:
                targets:
                  - {url: "http://upstream-a:9999"}
                timeouts: {connect: 1s, response: 5s}
                circuit-breaker: {scope: cluster, failure-rate: 50%%, minimum-calls: 6, window: 10s, open-for: 10m}
            rate-limits:
              q: {algorithm: token-bucket, limit: 300, per: 1d, key: global, on-cluster-failure: local}
            routes:
              - {id: quota, match: {path: "/q/**"}, upstream: demo, rate-limits: [q]}
              - {id: dead, match: {path: "/dead/**"}, upstream: dead}
              - id: all
                match: {path: "/**"}
                upstream: demo
                response: {set-headers: {X-Config: "%s"}}
            observability:
              access-log: {format: "off"}
            """;

    @Test
    void upgradingEveryNodeInTurnFromThePreviousReleaseCostsNoRequestNoQuotaNoBreakerAndNoConfig() throws Exception {
        String version = PreviousRelease.version();
        Path previousJar = PreviousRelease.jar();
        Path currentJar = GatewayJar.path();
        String previous = sha256(previousJar);
        String current = sha256(currentJar);
        gateway = DockerGateway.spec("upgrade").shared(SHARED.formatted("v1")).nodeJar(previousJar).start();
        ChaosReport report = new ChaosReport("upgrade", "rolling upgrade from release " + version
                + " to this build (SIGTERM, new jar, start, ready, next)");
        List<DockerNode> nodes = gateway.nodes();
        Map<String, String> before = digests(nodes, previous, current);
        report.claim("every node runs release " + version + " before the roll (jar digest)", before.toString(),
                "previous on all three, and it differs from this build's", !previous.equals(current)
                        && before.values().stream().allMatch("previous"::equals));

        for (int i = 0; i < 3; i++) {
            nodes.forEach(n -> n.proxyGet("/dead/x"));
        }
        Phases.until("the dead upstream's breaker open on every node", Duration.ofSeconds(10), Duration.ofMillis(100),
                () -> nodes.stream().allMatch(n -> "open".equals(n.breakerState("dead"))));
        long remainingBefore = nodes.get(0).remaining("q", "*");

        Target main = Target.plain("/hello");
        Target quota = new Target("quota", "/q/x", Set.of());
        // 6 quota requests a second: about 200 of its 300 tokens over the scenario, never refused
        ChaosLoad load = track(report, ChaosLoad.start(gateway.proxyPort(), CLIENTS, RATE,
                n -> n % 25 == 0 ? quota : main));
        Phases.hold(Duration.ofSeconds(2));
        List<String> published = new ArrayList<>();
        Map<String, String> mixed = Map.of();
        long firstStopAt = -1;
        for (int i = 1; i <= 3; i++) {
            DockerNode observer = gateway.node(i % 3 + 1);
            RollingStep step = RollingStep.of(gateway, load, gateway.node(i), n -> gateway.replaceJar(n, currentJar),
                    () -> observer.remaining("q", "*"));
            firstStopAt = firstStopAt < 0 ? step.stopAt() : firstStopAt;
            report.note(step.toString());
            if (i == 1) { // one new node, two old: what the new one shows, then publish on an old one and on it
                mixed = builds(gateway.node(1));
                published.add(publish(report, load, gateway.node(2), "v2"));
                published.add(publish(report, load, gateway.node(1), "v3"));
            }
        }
        Phases.hold(Duration.ofSeconds(2));
        List<Sample> samples = load.stop();
        long remainingAfter = nodes.get(0).remaining("q", "*");

        long mainFailed = samples.stream().filter(s -> s.target() == main && s.failed()).count();
        report.claim("errors and no-answers on the plain route", Long.toString(mainFailed), "0", mainFailed == 0);
        report.failover("the first docker stop", samples, firstStopAt, firstStopAt, load.now(), P99_BOUND_MS);
        long admitted = samples.stream().filter(s -> s.target() == quota && s.status() == 200).count();
        long quotaFailed = samples.stream().filter(s -> s.target() == quota && s.failed()).count();
        long consumed = remainingBefore - remainingAfter;
        long refill = (long) Math.ceil(QUOTA * (load.now() / 1e9 + 60) / QUOTA_PERIOD_SECONDS);
        long slack = refill + MIGRATION_FALLBACKS_PER_STEP * 3;
        report.claim("tokens taken from q's bucket against quota requests admitted (" + admitted + ", "
                        + quotaFailed + " failed)", consumed + " taken (" + remainingBefore + " before, " + remainingAfter
                        + " after)", "admitted - " + slack + " (its refill, and " + MIGRATION_FALLBACKS_PER_STEP
                        + " checks per step that meet a migration past their budget and fall back) to admitted + failed",
                remainingBefore > 0 && remainingAfter >= 0 && consumed >= admitted - slack
                        && consumed <= admitted + quotaFailed);
        Map<String, String> breakers = new TreeMap<>();
        nodes.forEach(n -> breakers.put(n.name(), n.breakerState("dead")));
        report.claim("the breaker opened before the roll, after it", breakers.toString(), "open on every node",
                breakers.values().stream().allMatch("open"::equals));
        Map<String, String> served = new TreeMap<>();
        Map<String, Long> versions = new TreeMap<>();
        nodes.forEach(n -> {
            served.put(n.name(), String.valueOf(n.proxyGet("/hello").header("X-Config")));
            versions.put(n.name(), n.configVersion());
        });
        report.claim("configs published while old and new nodes served together: " + published, "served "
                + served + ", versions " + versions, "each on every node within 20 s; v3 on every node at the end",
                published.stream().allMatch(p -> p.contains("on every node in"))
                        && served.values().stream().allMatch("v3"::equals)
                        && versions.values().stream().distinct().count() == 1);
        String build = manifestVersion(currentJar);
        Map<String, String> expectedMixed = new TreeMap<>(Map.of("gw-1", build, "gw-2", "none", "gw-3", "none"));
        Map<String, String> end = builds(gateway.node(3));
        report.claim("the builds GET /admin/cluster shows, on gw-1 once upgraded, then on gw-3 at the end", mixed
                        + ", then " + end, expectedMixed + " (release " + version + " sets none), then " + build
                        + " on all three", mixed.equals(expectedMixed) && end.size() == 3
                        && end.values().stream().allMatch(build::equals));
        Map<String, String> after = digests(nodes, previous, current);
        report.claim("every node runs this build after the roll (jar digest)", after.toString(), "current on all three",
                after.values().stream().allMatch("current"::equals));
        report.write(load, samples);
        report.assertAllHold();
    }

    /** PUT /admin/config on {@code on}, then waits until every node serves it; a line for the report. */
    private String publish(ChaosReport report, ChaosLoad load, DockerNode on, String tag) {
        var put = on.admin("PUT", "/admin/config", SHARED.formatted(tag));
        load.mark("published " + tag + " on " + on.name() + ": " + put.status());
        if (put.status() != 200) {
            report.note("PUT /admin/config on " + on.name() + " answered " + put.status() + ": " + put.body());
            return tag + " on " + on.name() + ": refused " + put.status();
        }
        long t0 = System.nanoTime();
        boolean everywhere = true;
        try {
            Phases.until(tag + " served by every node", Duration.ofSeconds(20), Duration.ofMillis(200),
                    () -> gateway.nodes().stream().allMatch(n -> tag.equals(n.proxyGet("/hello").header("X-Config"))));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            everywhere = false;
        }
        return tag + " on " + on.name() + (everywhere ? ", on every node in " + Phases.millis(System.nanoTime() - t0)
                + " ms" : ", NOT on every node within 20 s");
    }

    /** Each member's {@code build} in {@code GET /admin/cluster} on {@code n} ("none" when it shows none). */
    private static Map<String, String> builds(DockerNode n) {
        Map<String, String> out = new TreeMap<>();
        n.admin("GET", "/admin/cluster", null).json().path("members").forEach(m -> out.put(m.path("node").asText(),
                m.path("build").isTextual() ? m.path("build").asText() : "none"));
        return out;
    }

    private static String manifestVersion(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    private Map<String, String> digests(List<DockerNode> nodes, String previous, String current) {
        Map<String, String> out = new TreeMap<>();
        for (DockerNode n : nodes) {
            String d = gateway.jarDigest(n);
            out.put(n.name(), d.equals(previous) ? "previous" : d.equals(current) ? "current" : d);
        }
        return out;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
