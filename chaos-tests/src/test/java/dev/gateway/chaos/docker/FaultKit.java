package dev.gateway.chaos.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.chaos.docker.ChaosLoad.Sample;
import dev.gateway.chaos.docker.ChaosLoad.Target;
import dev.gateway.chaos.support.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * What the "more faults" scenarios share: one config with a global fail-closed quota and a cluster breaker, a
 * load mix, the quota spent before the fault (so that any admission after it is one the cluster should not have
 * made: a reset), the breaker opened before it, and the checks of a converged cluster (one members view, one config
 * version, one breaker view, every node ready and UP in HAProxy).
 */
final class FaultKit {
    /** The global quota: a day's token bucket, spent in about 2 s by the load (30 quota requests a second). */
    static final int LIMIT = 60;
    static final int CLIENTS = 8;
    static final int RATE = 150;
    static final Target MAIN = Target.plain("/hello");
    static final Target QUOTA = new Target("quota", "/q/x", Set.of(429));
    static final String SHARED = """
            upstreams:
              demo:
                targets:
                  - {url: "http://upstream-a:9000"}
                pool: {max-connections: 256, idle-timeout: 30s}
                timeouts: {connect: 1s, response: 5s}
              dead:
                targets:
                  - {url: "http://upstream-a:9999"}
                timeouts: {connect: 1s, response: 5s}
                circuit-breaker: {scope: cluster, failure-rate: 50%%, minimum-calls: 6, window: 10s, open-for: 5m}
            rate-limits:
              q: {algorithm: token-bucket, limit: 60, per: 1d, key: global, on-cluster-failure: fail-closed}
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

    private FaultKit() {
    }

    static String shared(String tag) {
        return SHARED.formatted(tag);
    }

    /** One request in five on the quota, the rest on the plain route. */
    static LongFunction<Target> mix() {
        return n -> n % 5 == 0 ? QUOTA : MAIN;
    }

    /** Opens the dead upstream's cluster breaker: 3 connect failures through each node, until open on every node. */
    static void openBreaker(DockerGateway gateway) {
        for (int i = 0; i < 3; i++) {
            for (DockerNode n : gateway.nodes()) {
                n.proxyGet("/dead/x");
            }
        }
        Phases.until("the dead upstream's breaker open on every node", Duration.ofSeconds(15), Duration.ofMillis(100),
                () -> gateway.nodes().stream().allMatch(n -> "open".equals(breaker(n).path("state").asText())));
    }

    /** The cluster's entry of the breaker as {@code n} holds it. */
    static JsonNode breaker(DockerNode n) {
        return n.admin("GET", "/admin/breakers", null).json().path("breakers").path("dead").path("cluster");
    }

    /** The breaker view a node holds: state and generation. */
    static String breakerView(DockerNode n) {
        JsonNode c = breaker(n);
        return c.path("state").asText() + " gen " + c.path("generation").asLong();
    }

    /** The nodes holding the breaker's entry (owner first), as {@code n} sees it. */
    static List<String> breakerHolders(DockerNode n) {
        JsonNode c = breaker(n);
        List<String> out = new ArrayList<>();
        if (c.hasNonNull("owner")) {
            out.add(c.path("owner").asText());
        }
        c.path("backups").forEach(b -> out.add(b.asText()));
        return out;
    }

    /** The nodes holding the quota's bucket (owner first), as {@code n} sees it. */
    static List<String> quotaHolders(DockerNode n) {
        Http.Reply r = n.admin("GET", "/admin/limits/q/%2A", null);
        List<String> out = new ArrayList<>();
        if (r.status() == 200) {
            if (r.json().hasNonNull("owner")) {
                out.add(r.json().path("owner").asText());
            }
            r.json().path("backups").forEach(b -> out.add(b.asText()));
        }
        return out;
    }

    /** Waits until the quota is spent (no token left, as gw-1 reads it); returns when (load time). */
    static long awaitQuotaSpent(DockerGateway gateway, ChaosLoad load) {
        Phases.until("quota q spent", Duration.ofSeconds(20), Duration.ofMillis(100),
                () -> gateway.node(1).remaining("q", "*") == 0);
        return load.mark("quota q spent (" + LIMIT + " admitted)");
    }

    /** Per node: members (in order), config version, breaker view, ready; null values when it does not answer. */
    static Map<String, String> views(DockerGateway gateway) {
        Map<String, String> out = new TreeMap<>();
        for (DockerNode n : gateway.nodes()) {
            try {
                out.put(n.name(), "members " + n.members() + ", config " + n.configVersion() + ", breaker "
                        + breakerView(n) + ", " + (n.isReady() ? "ready" : "not ready"));
            } catch (RuntimeException e) {
                out.put(n.name(), "no answer: " + e.getClass().getSimpleName());
            }
        }
        return out;
    }

    /**
     * One cluster again: every node lists the same members in the same order (so the same master), all of them, on
     * the same config version {@code >= minVersion}, with the same breaker view, ready, and UP in HAProxy.
     */
    static boolean converged(DockerGateway gateway, long minVersion) {
        List<String> first = null;
        Long version = null;
        String breaker = null;
        for (DockerNode n : gateway.nodes()) {
            List<String> members = n.members();
            long v = n.configVersion();
            String b = breakerView(n);
            if (members.size() != gateway.nodes().size() || v < minVersion || !n.isReady()) {
                return false;
            }
            if (first == null) {
                first = members;
                version = v;
                breaker = b;
            } else if (!first.equals(members) || version != v || !breaker.equals(b)) {
                return false;
            }
        }
        return gateway.haproxyStatus().values().stream().allMatch(s -> s.startsWith("UP"));
    }

    /**
     * The quota's two-sided claims. Before the fault the whole limit was admitted (a limiter refusing everything
     * fails here) and no more; from the fault to the end at most {@code extraBound} more (0 where no copy of the
     * bucket can be lost: any admission would be a reset).
     */
    static void quotaClaims(ChaosReport report, List<Sample> samples, long faultAt, int extraBound, String why) {
        long before = samples.stream().filter(s -> s.target() == QUOTA && s.status() == 200 && s.startNanos() < faultAt).count();
        long after = samples.stream().filter(s -> s.target() == QUOTA && s.status() == 200 && s.startNanos() >= faultAt).count();
        long refused = samples.stream().filter(s -> s.target() == QUOTA && s.status() == 429).count();
        report.claim("global quota q (" + LIMIT + "/day, fail-closed) admitted before the fault", Long.toString(before),
                "exactly " + LIMIT + " (spent before the fault)", before == LIMIT);
        report.claim("global quota q admitted from the fault to the end", after + " (429 over the scenario: " + refused + ")",
                "<= " + extraBound + " (" + why + ")", after <= extraBound && refused > 0);
    }

    /** The failures due in [from, to), and those outside it. */
    static long failedWithin(List<Sample> samples, long from, long to) {
        return samples.stream().filter(s -> s.failed() && s.startNanos() >= from && s.startNanos() < to).count();
    }
}
