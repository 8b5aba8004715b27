package dev.gateway.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.limiter.breaker.BreakerSnapshot;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.NodeEvidence;
import dev.gateway.node.resilience.BreakerRegistry;
import dev.gateway.node.resilience.BreakerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /admin/breakers}: every upstream's breaker (those with a {@code circuit-breaker}), as the cluster
 * sees it (state, open-until, probes, each node's reported evidence, and {@code owner} and {@code backups}: the
 * nodes holding its entry, which a double failure must take both of to lose it) and as this node acts on it.
 */
public final class BreakersView {
    private final ObjectMapper json = new ObjectMapper();
    private final String nodeName;
    private final BreakerRegistry registry;

    private final Function<String, List<String>> replicasOf;

    /** Without a cluster: no owner shown. */
    public BreakersView(String nodeName, BreakerRegistry registry) {
        this(nodeName, registry, upstream -> List.of());
    }

    /** @param replicasOf the nodes holding an upstream's breaker entry, owner first (empty when unknown) */
    public BreakersView(String nodeName, BreakerRegistry registry, Function<String, List<String>> replicasOf) {
        this.nodeName = nodeName;
        this.registry = registry;
        this.replicasOf = replicasOf;
    }

    public String render() {
        ObjectNode out = json.createObjectNode();
        out.put("node", nodeName);
        ObjectNode breakers = out.putObject("breakers");
        for (Map.Entry<String, BreakerStatus> e : registry.status().entrySet()) {
            BreakerStatus st = e.getValue();
            ObjectNode b = breakers.putObject(e.getKey());
            b.put("scope", st.shared() ? "cluster" : "node");
            b.put("state", lower(st.stateHere().name()));
            b.put("follows_cluster", st.followsCluster());
            if (st.cluster() != null) {
                ObjectNode cluster = snapshot(b.putObject("cluster"), st.cluster().snapshot());
                List<String> replicas = replicasOf.apply(e.getKey());
                if (!replicas.isEmpty()) {
                    cluster.put("owner", replicas.get(0));
                    replicas.subList(1, replicas.size()).forEach(cluster.putArray("backups")::add);
                }
                ObjectNode nodes = cluster.putObject("nodes");
                for (Map.Entry<String, NodeEvidence> n : st.cluster().evidence().entrySet()) {
                    evidence(nodes.putObject(n.getKey()), n.getValue().evidence())
                            .put("reported_at", Instant.ofEpochMilli(n.getValue().reportedAtMillis()).toString());
                }
            }
            evidence(snapshot(b.putObject("this_node"), st.local()), st.localEvidence());
        }
        return out.toString();
    }

    private static ObjectNode snapshot(ObjectNode out, BreakerSnapshot s) {
        out.put("state", lower(s.state().name()));
        out.put("since", Instant.ofEpochMilli(s.sinceMillis()).toString());
        if (s.state() != dev.gateway.limiter.breaker.BreakerState.CLOSED) {
            out.put(s.state() == dev.gateway.limiter.breaker.BreakerState.OPEN ? "open_until" : "probe_lease_until",
                    Instant.ofEpochMilli(Math.min(s.openUntilMillis(), 253_402_300_799_000L)).toString());
            out.put("probes_granted", s.probesGranted());
            out.put("probes_succeeded", s.probesSucceeded());
        }
        out.put("generation", s.generation());
        return out;
    }

    private static ObjectNode evidence(ObjectNode out, Evidence e) {
        out.put("calls", e.calls());
        out.put("failures", e.failures());
        return out;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
