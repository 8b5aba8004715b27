package dev.gateway.limiter.breaker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The cluster-wide breaker's decisions, as pure functions of a {@link SharedBreakerState}, a node's report and
 * the time, all passed in: no clock, no mutable state, thread-safe. Run by whoever owns an upstream's state
 * (the member owning its entry, with its own clock, or {@link InMemoryBreakerBoard}, with the caller's). Every
 * change of the breaker's state goes through {@link BreakerPolicy} (and so through {@link Transitions}); this
 * class adds only what a cluster needs on top: evidence per node, the majority rule, and who holds the probe
 * leases. Every function returns its argument itself when nothing changes.
 *
 * <h2>Evidence</h2>
 * Each node reports its own window; the latest report of each node counts until it is a
 * {@link BreakerSpec#window()} old (a node that stops reporting, say because it died, stops counting). The
 * evidence is dropped whenever the breaker opens or closes: it says nothing about the upstream since.
 *
 * <h2>Tripping</h2>
 * A {@code CLOSED} breaker trips when both hold:
 * <ol>
 *   <li>the fresh evidence of all nodes summed {@link BreakerPolicy#trips trips}: at least
 *       {@code minimumCalls} calls in the whole cluster, failure rate at or above the threshold;</li>
 *   <li>a majority ({@code floor(n/2) + 1}) of the {@code n} nodes with fresh evidence of at least one call
 *       each see a failure rate at or above the threshold on their own, or (with a {@code consecutiveFailures}
 *       rule) end their window on a failure.</li>
 * </ol>
 * With {@code consecutiveFailures}, the first rule also holds when the nodes' trailing runs of failures sum to
 * at least that many: failures in a row across the cluster, however many earlier successes the windows hold.
 * The second rule keeps one node with a broken network path to the upstream from opening the breaker for
 * everybody (that node's own breaker still protects it); with a single reporting node, it is the majority.
 *
 * <h2>Probes</h2>
 * An {@code OPEN} breaker whose open period has passed becomes {@code HALF_OPEN} on the next call. It then
 * grants {@link BreakerSpec#halfOpenProbes()} probe leases across the whole cluster, to whichever nodes ask
 * first (a node may hold several). A lease lasts {@link BreakerSpec#openFor()} from the latest grant: the
 * lease of {@link BreakerPolicy#tryGrantProbe}, so that the shared breaker and a node-local one behave alike,
 * and long enough for a probe through slow upstream timeouts. Once it expires, every outstanding slot is
 * released and the leases may go to other nodes; a holder dead or partitioned away thus delays recovery by at
 * most {@code openFor}. Only a holder's result counts: a failure reopens the breaker for a fresh
 * {@code openFor}; once every probe succeeded it closes.
 */
public final class SharedBreakerPolicy {

    private final BreakerPolicy policy;
    private final long windowMillis;

    public SharedBreakerPolicy(BreakerSpec spec) {
        this.policy = new BreakerPolicy(spec);
        this.windowMillis = BreakerPolicy.ceilMillis(spec.window());
    }

    public BreakerSpec spec() {
        return policy.spec();
    }

    /**
     * What time alone changes: {@link BreakerPolicy#onTime} (an elapsed open period, expired probe leases, whose
     * holders are then dropped), and reports older than the window are dropped.
     */
    public SharedBreakerState onTime(SharedBreakerState s, long now) {
        Objects.requireNonNull(s, "s");
        BreakerSnapshot snapshot = policy.onTime(s.snapshot(), now);
        Map<String, NodeEvidence> fresh = fresh(s.evidence(), now);
        if (snapshot == s.snapshot() && fresh.size() == s.evidence().size()) {
            return s;
        }
        List<String> holders = snapshot.state() == BreakerState.HALF_OPEN && snapshot.hasOutstandingProbes()
                ? s.probeHolders() : List.of();
        return new SharedBreakerState(snapshot, fresh, holders);
    }

    /**
     * {@code node} reports {@code evidence} (its local window) at {@code now}: after {@link #onTime}, the report
     * replaces the node's previous one (unless that one is newer: reports may arrive out of order), and a
     * {@code CLOSED} breaker trips if the evidence of all nodes says so (see the class comment): {@code OPEN}
     * until {@code now + openFor}, evidence dropped. Evidence is stored in every state, for the view.
     */
    public SharedBreakerState onReport(SharedBreakerState s, String node, Evidence evidence, long now) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(evidence, "evidence");
        SharedBreakerState t = onTime(s, now);
        NodeEvidence previous = t.evidence().get(node);
        if (previous != null && previous.reportedAtMillis() > now) {
            return t;
        }
        Map<String, NodeEvidence> reports = new TreeMap<>(t.evidence());
        reports.put(node, new NodeEvidence(node, evidence, now));
        if (t.snapshot().state() == BreakerState.CLOSED && majorityFails(reports.values())) {
            BreakerSnapshot next = policy.onEvidence(t.snapshot(), total(reports.values()), now);
            if (next != t.snapshot()) {
                return new SharedBreakerState(next, voters(reports), List.of());
            }
        }
        return new SharedBreakerState(t.snapshot(), reports, t.probeHolders());
    }

    /**
     * {@link #onReport(SharedBreakerState, String, Evidence, long)} from a node that holds the view {@code held}.
     * When that is later than the resulting state (a greater generation), the state was lost (its owner and
     * backups died, or a split's heal left another in its place) and its generations started again. The held view
     * is then the newest truth the cluster still has: the result is renumbered to {@code held.generation() + 1},
     * so that generations never go back for any node and every node takes it as the newest, and when the node knew
     * the breaker {@code OPEN} or {@code HALF_OPEN} while the fresh state says {@code CLOSED}, it is {@code OPEN}
     * again until the rest of the held open period has passed (none left, or half-open: probes may go at once).
     * A lost entry therefore never closes a breaker that the cluster had opened.
     */
    public SharedBreakerState onReport(SharedBreakerState s, String node, Evidence evidence, HeldView held,
                                       long now) {
        Objects.requireNonNull(held, "held");
        SharedBreakerState t = onReport(s, node, evidence, now);
        BreakerSnapshot x = t.snapshot();
        if (held.generation() <= x.generation()) {
            return t;
        }
        long generation = held.generation() + 1;
        if (held.state() != BreakerState.CLOSED && x.state() == BreakerState.CLOSED) {
            long until = now > Long.MAX_VALUE - held.openForMillis() ? Long.MAX_VALUE : now + held.openForMillis();
            return new SharedBreakerState(new BreakerSnapshot(BreakerState.OPEN, now, until, 0, 0, generation),
                    t.evidence(), List.of());
        }
        return new SharedBreakerState(new BreakerSnapshot(x.state(), x.sinceMillis(), x.openUntilMillis(),
                x.probesGranted(), x.probesSucceeded(), generation), t.evidence(), t.probeHolders());
    }

    /**
     * {@code node} asks to send a probe at {@code now}: after {@link #onTime} (which moves an elapsed
     * {@code OPEN} to {@code HALF_OPEN} and releases expired leases), {@link BreakerPolicy#tryGrantProbe}
     * decides, and a granted lease is recorded as {@code node}'s. Nothing is granted unless {@code HALF_OPEN}.
     */
    public SharedProbeGrant onProbeRequest(SharedBreakerState s, String node, long now) {
        Objects.requireNonNull(node, "node");
        SharedBreakerState t = onTime(s, now);
        ProbeGrant grant = policy.tryGrantProbe(t.snapshot(), now);
        if (!grant.granted()) {
            return new SharedProbeGrant(false, grant.snapshot() == t.snapshot() ? t
                    : new SharedBreakerState(grant.snapshot(), t.evidence(), t.probeHolders()));
        }
        List<String> holders = new ArrayList<>(t.probeHolders());
        holders.add(node);
        return new SharedProbeGrant(true, new SharedBreakerState(grant.snapshot(), t.evidence(), holders));
    }

    /**
     * The result of a probe {@code node} sent, at {@code now}: after {@link #onTime}, ignored unless
     * {@code node} holds a lease (an expired lease is no lease); otherwise the node gives one lease back and
     * {@link BreakerPolicy#onProbeResult} decides: a failure reopens the breaker for a fresh {@code openFor}, the
     * success that completes {@code halfOpenProbes} closes it. Either drops the evidence and every lease.
     */
    public SharedBreakerState onProbeResult(SharedBreakerState s, String node, boolean success, long now) {
        Objects.requireNonNull(node, "node");
        SharedBreakerState t = onTime(s, now);
        if (!t.probeHolders().contains(node)) {
            return t;
        }
        BreakerSnapshot next = policy.onProbeResult(t.snapshot(), success, now);
        if (next.state() != BreakerState.HALF_OPEN) {
            return new SharedBreakerState(next, voters(t.evidence()), List.of());
        }
        List<String> holders = new ArrayList<>(t.probeHolders());
        holders.remove(node);
        return new SharedBreakerState(next, t.evidence(), holders);
    }

    /** The evidence of all the given reports summed. */
    public static Evidence total(Collection<NodeEvidence> reports) {
        Evidence sum = Evidence.NONE;
        for (NodeEvidence r : reports) {
            sum = sum.plus(r.evidence());
        }
        return sum;
    }

    /**
     * Whether a majority ({@code floor(n/2) + 1}) of the {@code n} fresh reports see a failure rate at or above
     * the threshold. Every reporting node votes, also one without calls (nodes report at least once a second), so
     * one node that alone sees failures (its own network path broken) cannot open the breaker for the others.
     * The price: when only one node of several sends traffic to an upstream, its breaker never opens (that
     * node's passive health checks still take failing targets out). False without reports.
     */
    public boolean majorityFails(Collection<NodeEvidence> reports) {
        int failing = 0;
        for (NodeEvidence r : reports) {
            Evidence e = r.evidence();
            if (e.calls() > 0 && e.failureRatePercent() >= spec().failureRatePercent()
                    || spec().consecutiveFailures() > 0 && e.consecutiveFailures() > 0) {
                failing++;
            }
        }
        return !reports.isEmpty() && failing >= reports.size() / 2 + 1;
    }

    /**
     * The voters kept across a state change: every reporting node stays one (so the next decision still counts
     * the whole cluster), with its evidence emptied (what it saw belongs to the period that just ended).
     */
    private static Map<String, NodeEvidence> voters(Map<String, NodeEvidence> reports) {
        Map<String, NodeEvidence> out = new TreeMap<>();
        reports.forEach((node, r) -> out.put(node, new NodeEvidence(node, Evidence.NONE, r.reportedAtMillis())));
        return out;
    }

    /** Whether a report made at {@code reportedAtMillis} still counts at {@code now}: less than a window old. */
    public boolean isFresh(long reportedAtMillis, long now) {
        return now - reportedAtMillis < windowMillis;
    }

    private Map<String, NodeEvidence> fresh(Map<String, NodeEvidence> evidence, long now) {
        boolean allFresh = true;
        for (NodeEvidence e : evidence.values()) {
            allFresh &= isFresh(e.reportedAtMillis(), now);
        }
        if (allFresh) {
            return evidence;
        }
        Map<String, NodeEvidence> fresh = new TreeMap<>();
        evidence.forEach((node, e) -> {
            if (isFresh(e.reportedAtMillis(), now)) {
                fresh.put(node, e);
            }
        });
        return fresh;
    }
}
