package dev.gateway.cluster.breakers;

import dev.gateway.limiter.breaker.BreakerSnapshot;
import dev.gateway.limiter.breaker.NodeEvidence;
import dev.gateway.limiter.breaker.SharedBreakerView;
import java.util.Map;
import java.util.TreeMap;

/**
 * Moves a breaker view's instants from the owner's clock to a node's: {@code since}, open-until (or the probe
 * lease's deadline) and each report's time, all plus the node's clock minus the owner's. A node then compares
 * them with its own clock and reads the durations the owner meant, however far its clock is off. An instant of
 * 0 (no open-until) stays 0; sums saturate. Stateless.
 */
final class ViewClock {

    private ViewClock() {
    }

    /** {@code view} with every instant plus {@code offsetMillis} (the node's clock minus the owner's). */
    static SharedBreakerView shift(SharedBreakerView view, long offsetMillis) {
        if (offsetMillis == 0) {
            return view;
        }
        BreakerSnapshot s = view.snapshot();
        BreakerSnapshot shifted = new BreakerSnapshot(s.state(), plus(s.sinceMillis(), offsetMillis),
                plus(s.openUntilMillis(), offsetMillis), s.probesGranted(), s.probesSucceeded(), s.generation());
        Map<String, NodeEvidence> evidence = new TreeMap<>();
        for (NodeEvidence e : view.evidence().values()) {
            evidence.put(e.node(), new NodeEvidence(e.node(), e.evidence(), plus(e.reportedAtMillis(), offsetMillis)));
        }
        return new SharedBreakerView(shifted, evidence);
    }

    private static long plus(long instant, long offset) {
        if (instant == 0 || instant == Long.MAX_VALUE) {
            return instant;
        }
        long sum = instant + offset;
        if (((instant ^ sum) & (offset ^ sum)) < 0) {
            return offset > 0 ? Long.MAX_VALUE : 0;
        }
        return Math.max(0, sum);
    }
}
