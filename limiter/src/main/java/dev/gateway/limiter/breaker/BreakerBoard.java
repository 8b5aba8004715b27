package dev.gateway.limiter.breaker;

/**
 * The cluster-wide circuit breaker: one breaker per upstream for the whole cluster, decided by
 * {@link SharedBreakerPolicy} wherever the implementation keeps the upstream's state (in a cluster, on the member
 * owning the upstream's entry). Not for the request path: each node reports its own window's evidence every few
 * hundred milliseconds (and at once when its local breaker trips), and applies the view it gets back.
 *
 * <p>Time: every call carries the caller's clock reading ({@code nowMillis}, epoch milliseconds). A store with a
 * clock of its own decides by that instead and ignores it: the cluster's store decides on the owner's clock (the
 * cluster's time), so a node whose clock is off neither ages the others' evidence away nor ends an open period
 * early. Either way the instants of the views returned (since, open-until, lease deadline, report times) are on
 * the caller's clock, ready to be compared with it.
 *
 * <p>Every method may throw {@link BreakerBoardUnavailableException} when the board cannot answer (timeout,
 * no quorum); a call that timed out may still take effect later. Implementations are thread-safe.
 */
public interface BreakerBoard {

    /**
     * Replaces {@code node}'s evidence for {@code upstream} with {@code evidence} (its local window now) and
     * lets the breaker decide: see {@link SharedBreakerPolicy#onReport}. {@code held} is the view {@code node}
     * holds ({@link HeldView#NONE} for none): a state older than that (the entry was lost, or replaced in a split's
     * heal) is renumbered above it, so that generations never go back for any node, and a breaker the node knew
     * open stays open for the rest of its open period.
     */
    SharedBreakerView report(String upstream, BreakerSpec spec, String node, Evidence evidence, HeldView held,
                             long nowMillis);

    /** {@link #report(String, BreakerSpec, String, Evidence, HeldView, long)} from a node that holds no view yet. */
    default SharedBreakerView report(String upstream, BreakerSpec spec, String node, Evidence evidence, long nowMillis) {
        return report(upstream, spec, node, evidence, HeldView.NONE, nowMillis);
    }

    /**
     * Asks for a probe lease for {@code node}: see {@link SharedBreakerPolicy#onProbeRequest}. Moves an
     * {@code OPEN} breaker whose open period has passed to {@code HALF_OPEN}.
     */
    ProbeAnswer tryProbe(String upstream, BreakerSpec spec, String node, long nowMillis);

    /**
     * The outcome of a probe {@code node} sent under its lease: see {@link SharedBreakerPolicy#onProbeResult}.
     * Ignored unless {@code node} holds a live lease.
     */
    SharedBreakerView probeResult(String upstream, BreakerSpec spec, String node, boolean success, long nowMillis);
}
