package dev.gateway.limiter.breaker;

import static dev.gateway.limiter.breaker.BreakerState.CLOSED;
import static dev.gateway.limiter.breaker.BreakerState.HALF_OPEN;
import static dev.gateway.limiter.breaker.BreakerState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SharedBreakerPolicy} over {@link SharedBreakerState}, with explicit clock readings. */
class SharedBreakerStateTest {
    private static final long T0 = 1_700_000_040_000L;
    private static final long WINDOW = 10_000;
    private static final long OPEN_FOR = 30_000;

    /** 50 %, at least 10 calls, 10 s window, open 30 s, 2 probes. */
    private final SharedBreakerPolicy policy = policy(2);

    private static SharedBreakerPolicy policy(int halfOpenProbes) {
        return new SharedBreakerPolicy(new BreakerSpec(50, 10, Duration.ofMillis(WINDOW), Duration.ofMillis(OPEN_FOR),
                halfOpenProbes));
    }

    private static Evidence ev(long calls, long failures) {
        return new Evidence(calls, failures);
    }

    // ---- tripping: sum and majority

    @Test
    void aSingleReportingNodeIsItsOwnMajority() {
        SharedBreakerState s = policy.onReport(SharedBreakerState.initial(T0), "a", ev(10, 5), T0 + 1);
        assertThat(s.snapshot()).isEqualTo(new BreakerSnapshot(OPEN, T0 + 1, T0 + 1 + OPEN_FOR, 0, 0, 1));
        assertThat(s.evidence()).as("the voter stays; its evidence is dropped on opening")
                .containsExactly(Map.entry("a", new NodeEvidence("a", Evidence.NONE, T0 + 1)));
        assertThat(s.probeHolders()).isEmpty();
    }

    @Test
    void theNodesTrailingRunsOfFailuresSumAcrossTheCluster() {
        SharedBreakerPolicy withRun = new SharedBreakerPolicy(new BreakerSpec(50, 10, Duration.ofMillis(WINDOW),
                Duration.ofMillis(OPEN_FOR), 2, null, 5));
        SharedBreakerState s = SharedBreakerState.initial(T0);
        // an upstream that just died: each node's window is full of earlier successes, each ends on failures
        s = withRun.onReport(s, "a", new Evidence(300, 2, 2), T0 + 1);
        s = withRun.onReport(s, "b", new Evidence(300, 2, 2), T0 + 2);
        assertThat(s.snapshot().state()).as("4 in a row over the cluster").isEqualTo(CLOSED);
        s = withRun.onReport(s, "c", new Evidence(300, 1, 1), T0 + 3);
        assertThat(s.snapshot()).as("5 in a row, every node ending on a failure")
                .isEqualTo(new BreakerSnapshot(OPEN, T0 + 3, T0 + 3 + OPEN_FOR, 0, 0, 1));
    }

    @Test
    void aRunOfFailuresOnOneNodeAloneIsNoMajority() {
        SharedBreakerPolicy withRun = new SharedBreakerPolicy(new BreakerSpec(50, 10, Duration.ofMillis(WINDOW),
                Duration.ofMillis(OPEN_FOR), 2, null, 5));
        SharedBreakerState s = SharedBreakerState.initial(T0);
        s = withRun.onReport(s, "b", new Evidence(300, 0, 0), T0 + 1);
        s = withRun.onReport(s, "c", new Evidence(300, 3, 0), T0 + 2);
        s = withRun.onReport(s, "a", new Evidence(300, 50, 50), T0 + 3);
        assertThat(s.snapshot().state()).isEqualTo(CLOSED);
    }

    @Test
    void aReportFromANodeHoldingALaterGenerationRenumbersTheState() {
        // the entry was lost: a fresh, closed state; the reporting node still holds generation 7
        SharedBreakerState s = policy.onReport(SharedBreakerState.initial(T0), "a", ev(1, 0), closed(7), T0 + 1);
        assertThat(s.snapshot()).isEqualTo(new BreakerSnapshot(CLOSED, T0, 0, 0, 0, 8));
        assertThat(s.evidence()).containsOnlyKeys("a");
        // a node that holds an older or the same generation changes nothing
        SharedBreakerState t = policy.onReport(s, "b", ev(1, 0), closed(8), T0 + 2);
        assertThat(t.snapshot().generation()).isEqualTo(8);
        // and a trip from there goes on from the renumbered generation
        SharedBreakerState open = policy.onReport(t, "a", ev(10, 10), closed(8), T0 + 3);
        open = policy.onReport(open, "b", ev(10, 10), closed(8), T0 + 4);
        assertThat(open.snapshot().state()).isEqualTo(OPEN);
        assertThat(open.snapshot().generation()).isEqualTo(9);
    }

    @Test
    void aLostEntryOfABreakerTheNodeKnewOpenIsOpenAgainForTheRestOfItsOpenPeriod() {
        // the entry was lost while open; the reporting node holds "open, generation 3, 12 s left", and no
        // evidence of its own (no calls went out while open): the fresh state alone would say closed
        SharedBreakerState s = policy.onReport(SharedBreakerState.initial(T0), "a", Evidence.NONE,
                new HeldView(3, OPEN, 12_000), T0 + 1);
        assertThat(s.snapshot()).isEqualTo(new BreakerSnapshot(OPEN, T0 + 1, T0 + 1 + 12_000, 0, 0, 4));
        // the other nodes, holding the old generation, change nothing; nor does the node that re-seeded it
        assertThat(policy.onReport(s, "b", Evidence.NONE, new HeldView(3, OPEN, 11_000), T0 + 2).snapshot())
                .isEqualTo(s.snapshot());
        assertThat(policy.onReport(s, "a", Evidence.NONE, new HeldView(4, OPEN, 11_999), T0 + 2).snapshot())
                .isEqualTo(s.snapshot());
        // the rest of the open period passes: probes may go
        assertThat(policy.onProbeRequest(s, "b", T0 + 1 + 12_000).granted()).isTrue();
    }

    @Test
    void aLostEntryOfAHalfOpenBreakerLetsProbesGoAtOnce() {
        SharedBreakerState s = policy.onReport(SharedBreakerState.initial(T0), "a", Evidence.NONE,
                new HeldView(5, HALF_OPEN, 0), T0 + 1);
        assertThat(s.snapshot().state()).isEqualTo(OPEN);
        assertThat(s.snapshot().generation()).isEqualTo(6);
        SharedProbeGrant grant = policy.onProbeRequest(s, "a", T0 + 1);
        assertThat(grant.granted()).isTrue();
        assertThat(grant.state().snapshot().state()).isEqualTo(HALF_OPEN);
        assertThat(grant.state().snapshot().generation()).isEqualTo(7);
    }

    @Test
    void aNodeThatHoldsAnOlderOpenViewNeverReopensACurrentEntry() {
        // the breaker went open (gen 1), then half-open and closed (gen 3) while this node was away
        SharedBreakerState current = new SharedBreakerState(new BreakerSnapshot(CLOSED, T0, 0, 0, 0, 3), Map.of(),
                List.of());
        SharedBreakerState s = policy.onReport(current, "a", Evidence.NONE, new HeldView(1, OPEN, 20_000), T0 + 1);
        assertThat(s.snapshot()).isEqualTo(current.snapshot());
    }

    private static HeldView closed(long generation) {
        return new HeldView(generation, CLOSED, 0);
    }

    @Test
    void oneNodeWithABrokenPathCannotOpenTheBreakerForEveryone() {
        SharedBreakerState s = SharedBreakerState.initial(T0);
        s = policy.onReport(s, "b", ev(20, 0), T0 + 1);
        s = policy.onReport(s, "a", ev(100, 100), T0 + 2);
        assertThat(SharedBreakerPolicy.total(s.evidence().values())).as("the sum alone would trip").isEqualTo(ev(120, 100));
        assertThat(s.snapshot().state()).as("1 failing of 2 is no majority").isEqualTo(CLOSED);

        s = policy.onReport(s, "c", ev(20, 0), T0 + 3);
        s = policy.onReport(s, "a", ev(200, 200), T0 + 4);
        assertThat(s.snapshot().state()).as("1 of 3").isEqualTo(CLOSED);
        assertThat(s.evidence()).containsOnlyKeys("a", "b", "c");
        assertThat(s.evidence().get("a")).isEqualTo(new NodeEvidence("a", ev(200, 200), T0 + 4));

        s = policy.onReport(s, "b", ev(20, 10), T0 + 5);
        assertThat(s.snapshot()).as("2 of 3, each at or above 50 %")
                .isEqualTo(new BreakerSnapshot(OPEN, T0 + 5, T0 + 5 + OPEN_FOR, 0, 0, 1));
    }

    @Test
    void aMajorityOfFailingNodesStillNeedsTheSummedRateToTrip() {
        SharedBreakerState s = SharedBreakerState.initial(T0);
        s = policy.onReport(s, "a", ev(2, 1), T0 + 1);
        s = policy.onReport(s, "b", ev(2, 1), T0 + 2);
        s = policy.onReport(s, "c", ev(100, 0), T0 + 3);
        assertThat(policy.majorityFails(s.evidence().values())).isTrue();
        assertThat(s.snapshot().state()).as("2 of 104 calls failed").isEqualTo(CLOSED);
    }

    @Test
    void nodesWithoutCallsVoteAgainstOpening() {
        SharedBreakerState s = SharedBreakerState.initial(T0);
        s = policy.onReport(s, "idle-1", ev(0, 0), T0 + 1);
        s = policy.onReport(s, "idle-2", ev(0, 0), T0 + 2);
        assertThat(s.snapshot().state()).isEqualTo(CLOSED);
        s = policy.onReport(s, "a", ev(10, 10), T0 + 3);
        assertThat(s.snapshot().state()).as("a alone of three reporting nodes sees failures").isEqualTo(CLOSED);
        s = policy.onReport(s, "idle-1", ev(2, 2), T0 + 4);
        assertThat(s.snapshot().state()).as("two of three").isEqualTo(OPEN);
    }

    @Test
    void theVotersOutliveATripSoTheFirstReportAfterwardsIsNotAlone() {
        SharedBreakerState s = SharedBreakerState.initial(T0);
        s = policy.onReport(s, "a", ev(6, 6), T0 + 1);
        s = policy.onReport(s, "b", ev(6, 6), T0 + 2);
        s = policy.onReport(s, "c", ev(0, 0), T0 + 3);
        assertThat(s.snapshot().state()).isEqualTo(OPEN);
        assertThat(s.evidence()).containsOnlyKeys("a", "b", "c");
        assertThat(s.evidence().values()).allSatisfy(e -> assertThat(e.evidence()).isEqualTo(Evidence.NONE));
    }

    @Test
    void theMinimumCallsAreCountedOverAllNodes() {
        SharedBreakerState s = SharedBreakerState.initial(T0);
        s = policy.onReport(s, "a", ev(4, 4), T0 + 1);
        s = policy.onReport(s, "b", ev(4, 4), T0 + 2);
        assertThat(s.snapshot().state()).as("8 calls < 10").isEqualTo(CLOSED);
        s = policy.onReport(s, "c", ev(2, 2), T0 + 3);
        assertThat(s.snapshot().state()).as("10 calls, none enough alone").isEqualTo(OPEN);
    }

    @Test
    void aNodesNewReportReplacesItsPreviousOne() {
        SharedBreakerState s = SharedBreakerState.initial(T0);
        s = policy.onReport(s, "a", ev(9, 9), T0 + 1);
        s = policy.onReport(s, "a", ev(9, 9), T0 + 2);
        assertThat(s.snapshot().state()).as("9 calls, not 18").isEqualTo(CLOSED);
        assertThat(s.evidence()).containsExactly(Map.entry("a", new NodeEvidence("a", ev(9, 9), T0 + 2)));
    }

    @Test
    void aReportOlderThanTheNodesStoredOneIsIgnored() {
        SharedBreakerState s = policy.onReport(SharedBreakerState.initial(T0), "a", ev(5, 0), T0 + 5);
        assertThat(policy.onReport(s, "a", ev(9, 9), T0 + 4)).isSameAs(s);
    }

    // ---- stale evidence

    @Test
    void evidenceStopsCountingOnceAWindowOld() {
        SharedBreakerState s = policy.onReport(SharedBreakerState.initial(T0), "a", ev(6, 6), T0);
        SharedBreakerState almost = policy.onReport(s, "b", ev(6, 6), T0 + WINDOW - 1);
        assertThat(almost.snapshot().state()).as("a's report is 9.999 s old: 12 calls").isEqualTo(OPEN);

        SharedBreakerState late = policy.onReport(s, "b", ev(6, 6), T0 + WINDOW);
        assertThat(late.snapshot().state()).as("a's report is a window old: 6 calls").isEqualTo(CLOSED);
        assertThat(late.evidence()).containsOnlyKeys("b");
    }

    @Test
    void timeAloneDropsStaleEvidence() {
        SharedBreakerState s = policy.onReport(SharedBreakerState.initial(T0), "a", ev(1, 0), T0);
        s = policy.onReport(s, "b", ev(1, 0), T0 + 5_000);
        assertThat(policy.onTime(s, T0 + WINDOW - 1)).isSameAs(s);
        assertThat(policy.onTime(s, T0 + WINDOW).evidence()).containsOnlyKeys("b");
        assertThat(policy.onTime(s, T0 + 5_000 + WINDOW).evidence()).isEmpty();
    }

    @Test
    void evidenceIsStoredWhileOpenButDecidesNothing() {
        SharedBreakerState open = policy.onReport(SharedBreakerState.initial(T0), "a", ev(10, 10), T0);
        SharedBreakerState s = policy.onReport(open, "b", ev(50, 50), T0 + 1);
        assertThat(s.snapshot()).isEqualTo(open.snapshot());
        assertThat(s.evidence()).containsOnlyKeys("a", "b");
        assertThat(s.evidence().get("b").evidence()).isEqualTo(ev(50, 50));
    }

    // ---- probes

    /** Tripped at T0 by node a; open until T0 + OPEN_FOR. */
    private SharedBreakerState tripped(SharedBreakerPolicy p) {
        SharedBreakerState s = p.onReport(SharedBreakerState.initial(T0), "a", ev(10, 10), T0);
        assertThat(s.snapshot().state()).isEqualTo(OPEN);
        return s;
    }

    @Test
    void noProbeBeforeTheOpenPeriodEnds() {
        SharedBreakerState open = tripped(policy);
        SharedProbeGrant early = policy.onProbeRequest(open, "a", T0 + OPEN_FOR - 1);
        assertThat(early.granted()).isFalse();
        assertThat(early.state().snapshot()).isSameAs(open.snapshot());
        assertThat(policy.onProbeRequest(SharedBreakerState.initial(T0), "a", T0 + 1).granted())
                .as("closed: nothing to probe").isFalse();
    }

    @Test
    void exactlyHalfOpenProbesLeasesGoOutAcrossNodes() {
        long h = T0 + OPEN_FOR;
        SharedProbeGrant a = policy.onProbeRequest(tripped(policy), "a", h);
        assertThat(a.granted()).isTrue();
        assertThat(a.state().snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, h, h + OPEN_FOR, 1, 0, 2));
        SharedProbeGrant b = policy.onProbeRequest(a.state(), "b", h + 1);
        assertThat(b.granted()).isTrue();
        SharedProbeGrant c = policy.onProbeRequest(b.state(), "c", h + 2);
        assertThat(c.granted()).as("two probes for the whole cluster").isFalse();
        assertThat(c.state()).isSameAs(b.state());
        assertThat(c.state().probeHolders()).containsExactly("a", "b");
        assertThat(c.state().probeLeaseUntilMillis()).as("openFor after the latest grant").isEqualTo(h + 1 + OPEN_FOR);
        assertThat(policy.onProbeRequest(c.state(), "a", h + 3).granted()).isFalse();
    }

    @Test
    void aReportAfterTheOpenPeriodMovesTheBreakerToHalfOpen() {
        SharedBreakerState s = policy.onReport(tripped(policy), "b", ev(3, 3), T0 + OPEN_FOR);
        assertThat(s.snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, T0 + OPEN_FOR, T0 + OPEN_FOR, 0, 0, 2));
        assertThat(s.probeLeaseUntilMillis()).isZero();
    }

    @Test
    void anExpiredLeaseGoesToAnotherNode() {
        SharedBreakerPolicy one = policy(1);
        long h = T0 + OPEN_FOR;
        SharedBreakerState s = one.onProbeRequest(tripped(one), "a", h).state();
        assertThat(s.probeHolders()).containsExactly("a");

        SharedProbeGrant refused = one.onProbeRequest(s, "b", h + OPEN_FOR - 1);
        assertThat(refused.granted()).isFalse();
        SharedProbeGrant regranted = one.onProbeRequest(s, "b", h + OPEN_FOR);
        assertThat(regranted.granted()).as("a's lease expired").isTrue();
        s = regranted.state();
        assertThat(s.probeHolders()).containsExactly("b");
        assertThat(s.snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, h, h + 2 * OPEN_FOR, 1, 0, 2));

        assertThat(one.onProbeResult(s, "a", true, h + OPEN_FOR + 1)).as("a's late result").isSameAs(s);
        SharedBreakerState closed = one.onProbeResult(s, "b", true, h + OPEN_FOR + 2);
        assertThat(closed.snapshot()).isEqualTo(new BreakerSnapshot(CLOSED, h + OPEN_FOR + 2, 0, 0, 0, 3));
    }

    @Test
    void expiryAloneReleasesTheLeases() {
        long h = T0 + OPEN_FOR;
        SharedBreakerState s = policy.onProbeRequest(tripped(policy), "a", h).state();
        SharedBreakerState expired = policy.onTime(s, h + OPEN_FOR);
        assertThat(expired.probeHolders()).isEmpty();
        assertThat(expired.snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, h, h + OPEN_FOR, 0, 0, 2));
        assertThat(policy.onProbeResult(s, "a", false, h + OPEN_FOR)).as("a failure after expiry counts for nothing")
                .isEqualTo(expired);
    }

    @Test
    void aProbeResultFromANodeWithoutALeaseIsIgnored() {
        long h = T0 + OPEN_FOR;
        SharedBreakerState s = policy.onProbeRequest(tripped(policy), "a", h).state();
        assertThat(policy.onProbeResult(s, "b", false, h + 1)).isSameAs(s);
        assertThat(policy.onProbeResult(s, "b", true, h + 1)).isSameAs(s);
        SharedBreakerState open = tripped(policy);
        assertThat(policy.onProbeResult(open, "a", true, T0 + 1)).as("no lease while open").isSameAs(open);
    }

    @Test
    void aFailedProbeReopensForAFreshOpenPeriod() {
        long h = T0 + OPEN_FOR;
        SharedBreakerState s = policy.onProbeRequest(tripped(policy), "a", h).state();
        s = policy.onProbeRequest(s, "b", h + 1).state();
        s = policy.onReport(s, "c", ev(5, 0), h + 2);
        SharedBreakerState reopened = policy.onProbeResult(s, "b", false, h + 10);
        assertThat(reopened.snapshot()).isEqualTo(new BreakerSnapshot(OPEN, h + 10, h + 10 + OPEN_FOR, 0, 0, 3));
        assertThat(reopened.probeHolders()).isEmpty();
        assertThat(reopened.evidence().values()).allSatisfy(e -> assertThat(e.evidence()).isEqualTo(Evidence.NONE));
        assertThat(policy.onProbeResult(reopened, "a", true, h + 11)).as("a's lease went with the reopening")
                .isSameAs(reopened);
    }

    @Test
    void theBreakerClosesOnceEveryProbeSucceeded() {
        long h = T0 + OPEN_FOR;
        SharedBreakerState s = policy.onProbeRequest(tripped(policy), "a", h).state();
        s = policy.onProbeRequest(s, "b", h + 1).state();
        s = policy.onReport(s, "c", ev(5, 5), h + 2);

        SharedBreakerState one = policy.onProbeResult(s, "a", true, h + 3);
        assertThat(one.snapshot()).isEqualTo(new BreakerSnapshot(HALF_OPEN, h, h + 1 + OPEN_FOR, 2, 1, 2));
        assertThat(one.probeHolders()).containsExactly("b");
        assertThat(policy.onProbeResult(one, "a", true, h + 4)).as("a gave its lease back").isSameAs(one);

        SharedBreakerState closed = policy.onProbeResult(one, "b", true, h + 5);
        assertThat(closed.snapshot()).isEqualTo(new BreakerSnapshot(CLOSED, h + 5, 0, 0, 0, 3));
        assertThat(closed.evidence()).as("evidence is dropped on closing; the voters stay").containsOnlyKeys("c");
        assertThat(closed.evidence().get("c").evidence()).isEqualTo(Evidence.NONE);
        assertThat(closed.probeHolders()).isEmpty();
    }

    @Test
    void oneNodeMayHoldEveryLease() {
        long h = T0 + OPEN_FOR;
        SharedBreakerState s = policy.onProbeRequest(tripped(policy), "a", h).state();
        SharedProbeGrant second = policy.onProbeRequest(s, "a", h + 1);
        assertThat(second.granted()).isTrue();
        assertThat(second.state().probeHolders()).containsExactly("a", "a");
        s = policy.onProbeResult(second.state(), "a", true, h + 2);
        assertThat(s.probeHolders()).containsExactly("a");
        assertThat(policy.onProbeResult(s, "a", true, h + 3).snapshot().state()).isEqualTo(CLOSED);
    }

    // ---- the record

    @Test
    void theStateChecksItsHoldersAndEvidence() {
        BreakerSnapshot halfOpen = new BreakerSnapshot(HALF_OPEN, T0, T0 + OPEN_FOR, 2, 1, 2);
        assertThat(new SharedBreakerState(halfOpen, Map.of(), List.of("a")).probeLeaseUntilMillis())
                .isEqualTo(T0 + OPEN_FOR);
        assertThatThrownBy(() -> new SharedBreakerState(halfOpen, Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("probeHolders: [] (expected: 1 holders");
        assertThatThrownBy(() -> new SharedBreakerState(BreakerPolicy.closed(T0), Map.of(), List.of("a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SharedBreakerState(BreakerPolicy.closed(T0),
                Map.of("a", new NodeEvidence("b", Evidence.NONE, T0)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyed by its node");
    }

    @Test
    void viewsAreImmutableAndSortedByNode() {
        SharedBreakerState s = SharedBreakerState.initial(T0);
        for (String node : List.of("c", "a", "b")) {
            s = policy.onReport(s, node, ev(1, 0), T0 + 1);
        }
        SharedBreakerView view = s.view();
        assertThat(view.evidence().keySet()).containsExactly("a", "b", "c");
        assertThat(view.snapshot()).isEqualTo(s.snapshot());
        assertThatThrownBy(() -> view.evidence().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
