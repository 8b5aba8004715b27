package dev.gateway.limiter.breaker;

import static dev.gateway.limiter.breaker.BreakerState.CLOSED;
import static dev.gateway.limiter.breaker.BreakerState.HALF_OPEN;
import static dev.gateway.limiter.breaker.BreakerState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BreakerBoard} and its {@link BreakerViews} promise, run against the in-memory board and
 * against every real store. {@link #board()} and {@link #otherNode()} are two nodes' handles on one store (the
 * same object for the in-memory board). Time is passed explicitly; nothing sleeps. Every test uses upstream
 * names of its own, so a store may be shared between tests.
 */
public abstract class BreakerBoardContract {

    protected static final long T0 = 1_700_000_040_000L;
    protected static final long OPEN_FOR = 30_000;

    /** 50 %, at least 10 calls, 10 s window, open 30 s, one probe. */
    protected static final BreakerSpec SPEC =
            new BreakerSpec(50, 10, Duration.ofSeconds(10), Duration.ofMillis(OPEN_FOR), 1);

    private final String namespace = "contract-" + UUID.randomUUID() + ":";

    /** This node's handle on the store. */
    protected abstract BreakerBoard board();

    /** Another node's handle on the same store. */
    protected abstract BreakerBoard otherNode();

    /** The views of the same store. */
    protected abstract BreakerViews views();

    protected final String upstream(String name) {
        return namespace + name;
    }

    @Test
    void reportsFromTwoHandlesAggregate() {
        String up = upstream("aggregate");
        SharedBreakerView first = board().report(up, SPEC, "node-a", new Evidence(6, 6), T0);
        assertThat(first.snapshot().state()).as("6 calls < 10").isEqualTo(CLOSED);
        assertThat(first.evidence()).containsExactly(
                Map.entry("node-a", new NodeEvidence("node-a", new Evidence(6, 6), T0)));

        SharedBreakerView healthy = otherNode().report(up, SPEC, "node-b", new Evidence(3, 0), T0 + 1);
        assertThat(healthy.snapshot().state()).isEqualTo(CLOSED);
        assertThat(healthy.evidence()).containsOnlyKeys("node-a", "node-b");

        SharedBreakerView tripped = otherNode().report(up, SPEC, "node-b", new Evidence(6, 3), T0 + 2);
        assertThat(tripped.snapshot()).as("12 calls over both nodes, each at 50 % or more")
                .isEqualTo(new BreakerSnapshot(OPEN, T0 + 2, T0 + 2 + OPEN_FOR, 0, 0, 1));
        assertThat(tripped.evidence()).containsOnlyKeys("node-a", "node-b");
        assertThat(tripped.evidence().values()).allSatisfy(e -> assertThat(e.evidence()).isEqualTo(Evidence.NONE));
    }

    @Test
    void aNodeHoldingALaterGenerationNeverSeesTheGenerationGoBack() {
        String up = upstream("renumbered");
        // no entry (a lost one): the first report comes from a node that held generation 5
        SharedBreakerView fresh = board().report(up, SPEC, "node-a", new Evidence(1, 0),
                new HeldView(5, BreakerState.CLOSED, 0), T0);
        assertThat(fresh.snapshot().state()).isEqualTo(CLOSED);
        assertThat(fresh.snapshot().generation()).isEqualTo(6);
        SharedBreakerView seen = otherNode().report(up, SPEC, "node-b", new Evidence(1, 0),
                new HeldView(6, BreakerState.CLOSED, 0), T0 + 1);
        assertThat(seen.snapshot().generation()).as("nothing older was held: unchanged").isEqualTo(6);
    }

    @Test
    void aLostEntryOfABreakerANodeHeldOpenIsOpenAgainForTheRestOfItsOpenPeriod() {
        String up = upstream("reseeded");
        // no entry (a lost one): the first report comes from a node that held it open, 20 s of it left
        SharedBreakerView reopened = board().report(up, SPEC, "node-a", Evidence.NONE,
                new HeldView(3, BreakerState.OPEN, 20_000), T0);
        assertThat(reopened.snapshot().state()).isEqualTo(OPEN);
        assertThat(reopened.snapshot().generation()).isEqualTo(4);
        assertThat(reopened.snapshot().openUntilMillis()).isEqualTo(T0 + 20_000);
        SharedBreakerView seen = otherNode().report(up, SPEC, "node-b", Evidence.NONE,
                new HeldView(3, BreakerState.OPEN, 19_999), T0 + 1);
        assertThat(seen.snapshot()).as("a node holding the old view takes the new one, unchanged")
                .isEqualTo(reopened.snapshot());
        assertThat(otherNode().tryProbe(up, SPEC, "node-b", T0 + 19_000).granted()).as("still open").isFalse();
        assertThat(otherNode().tryProbe(up, SPEC, "node-b", T0 + 20_000).granted()).as("then probes").isTrue();
    }

    @Test
    void aTripIsVisibleFromTheOtherHandle() {
        String up = upstream("visible");
        SharedBreakerView open = board().report(up, SPEC, "node-a", new Evidence(10, 10), T0);
        assertThat(open.snapshot().state()).isEqualTo(OPEN);

        SharedBreakerView seen = otherNode().report(up, SPEC, "node-b", Evidence.NONE, T0 + 5);
        assertThat(seen.snapshot()).isEqualTo(open.snapshot());
        assertThat(seen.evidence()).containsOnlyKeys("node-a", "node-b");
        assertThat(views().all()).containsEntry(up, seen);
    }

    @Test
    void oneProbeLeaseAcrossBothHandles() {
        String up = upstream("probe");
        board().report(up, SPEC, "node-a", new Evidence(10, 10), T0);
        assertThat(otherNode().tryProbe(up, SPEC, "node-b", T0 + OPEN_FOR - 1).granted()).as("still open").isFalse();

        ProbeAnswer granted = board().tryProbe(up, SPEC, "node-a", T0 + OPEN_FOR);
        assertThat(granted.granted()).isTrue();
        assertThat(granted.view().snapshot())
                .isEqualTo(new BreakerSnapshot(HALF_OPEN, T0 + OPEN_FOR, T0 + 2 * OPEN_FOR, 1, 0, 2));

        ProbeAnswer refused = otherNode().tryProbe(up, SPEC, "node-b", T0 + OPEN_FOR + 1);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.view().snapshot()).isEqualTo(granted.view().snapshot());

        SharedBreakerView ignored = otherNode().probeResult(up, SPEC, "node-b", false, T0 + OPEN_FOR + 2);
        assertThat(ignored.snapshot().state()).as("node-b holds no lease").isEqualTo(HALF_OPEN);

        SharedBreakerView closed = otherNode().probeResult(up, SPEC, "node-a", true, T0 + OPEN_FOR + 3);
        assertThat(closed.snapshot()).isEqualTo(new BreakerSnapshot(CLOSED, T0 + OPEN_FOR + 3, 0, 0, 0, 3));
    }

    @Test
    void anExpiredLeaseGoesToTheOtherNode() {
        String up = upstream("lease");
        board().report(up, SPEC, "node-a", new Evidence(10, 10), T0);
        long h = T0 + OPEN_FOR;
        assertThat(board().tryProbe(up, SPEC, "node-a", h).granted()).isTrue();
        assertThat(otherNode().tryProbe(up, SPEC, "node-b", h + OPEN_FOR).granted()).isTrue();
        SharedBreakerView late = board().probeResult(up, SPEC, "node-a", false, h + OPEN_FOR + 1);
        assertThat(late.snapshot().state()).as("node-a's lease expired: its result is ignored").isEqualTo(HALF_OPEN);
        SharedBreakerView reopened = otherNode().probeResult(up, SPEC, "node-b", false, h + OPEN_FOR + 2);
        assertThat(reopened.snapshot())
                .isEqualTo(new BreakerSnapshot(OPEN, h + OPEN_FOR + 2, h + 2 * OPEN_FOR + 2, 0, 0, 3));
    }

    @Test
    void aProbeRequestForAnUnknownUpstreamGrantsNothing() {
        ProbeAnswer answer = board().tryProbe(upstream("unknown"), SPEC, "node-a", T0);
        assertThat(answer.granted()).isFalse();
        assertThat(answer.view().snapshot().state()).isEqualTo(CLOSED);
    }

    @Test
    void aSubscriptionSeesTheOpen() throws Exception {
        String up = upstream("subscribed");
        Map<String, SharedBreakerView> seen = new ConcurrentHashMap<>();
        AutoCloseable subscription = views().subscribe((upstream, view) -> {
            if (upstream.equals(up)) {
                seen.put(upstream, view);
            }
        });
        try {
            otherNode().report(up, SPEC, "node-b", new Evidence(2, 0), T0);
            SharedBreakerView open = otherNode().report(up, SPEC, "node-b", new Evidence(20, 20), T0 + 1);
            assertThat(open.snapshot().state()).isEqualTo(OPEN);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(seen.get(up)).isEqualTo(open));
        } finally {
            subscription.close();
        }
        board().report(up, SPEC, "node-a", Evidence.NONE, T0 + 2);
        assertThat(views().all().get(up).evidence()).containsOnlyKeys("node-a", "node-b");
    }
}
