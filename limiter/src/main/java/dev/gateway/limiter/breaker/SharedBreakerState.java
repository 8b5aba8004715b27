package dev.gateway.limiter.breaker;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The whole state of one upstream's cluster-wide breaker, immutable, as the owner of the upstream's entry
 * stores it and {@link SharedBreakerPolicy} decides over it.
 *
 * <h2>Probe leases</h2>
 * The breaker grants {@link BreakerSpec#halfOpenProbes()} probes for the whole cluster; {@code probeHolders}
 * says who holds them, one entry per outstanding lease, in grant order (a node holding two leases appears
 * twice). The snapshot counts them ({@code probesGranted - probesSucceeded}) and keeps their common deadline
 * in {@code openUntilMillis}, exactly as {@link BreakerPolicy} does for a node-local breaker; so the holders
 * always number the outstanding probes, and {@link #probeLeaseUntilMillis()} is the snapshot's deadline.
 *
 * @param snapshot     the breaker's decision
 * @param evidence     every node's latest report since the breaker last opened or closed, by node name
 *                     (sorted, unmodifiable); reports older than the spec's window are dropped as time passes
 * @param probeHolders the nodes holding an outstanding probe lease (unmodifiable); empty unless {@code HALF_OPEN}
 */
public record SharedBreakerState(BreakerSnapshot snapshot, Map<String, NodeEvidence> evidence,
        List<String> probeHolders) {

    public SharedBreakerState {
        Objects.requireNonNull(snapshot, "snapshot");
        evidence = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(evidence, "evidence")));
        probeHolders = List.copyOf(Objects.requireNonNull(probeHolders, "probeHolders"));
        evidence.forEach((node, e) -> {
            if (!node.equals(e.node())) {
                throw new IllegalArgumentException("evidence: '" + node + "' -> " + e + " (expected: keyed by its node)");
            }
        });
        int outstanding = snapshot.state() == BreakerState.HALF_OPEN
                ? snapshot.probesGranted() - snapshot.probesSucceeded() : 0;
        if (probeHolders.size() != outstanding) {
            throw new IllegalArgumentException("probeHolders: " + probeHolders + " (expected: " + outstanding
                    + " holders, one per outstanding probe of " + snapshot + ")");
        }
    }

    /** A closed breaker at {@code nowMillis}, generation 0, without evidence: the state of an unknown upstream. */
    public static SharedBreakerState initial(long nowMillis) {
        return new SharedBreakerState(BreakerPolicy.closed(nowMillis), Map.of(), List.of());
    }

    /** When the outstanding probe leases expire (epoch milliseconds); 0 when no lease is outstanding. */
    public long probeLeaseUntilMillis() {
        return probeHolders.isEmpty() ? 0 : snapshot.openUntilMillis();
    }

    /** What nodes and {@code /admin/breakers} see. */
    public SharedBreakerView view() {
        return new SharedBreakerView(snapshot, evidence);
    }
}
