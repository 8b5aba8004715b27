package dev.gateway.chaos.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.chaos.docker.FaultSchedule.Kind;
import dev.gateway.chaos.docker.QuotaHistoryChecker.Exposure;
import dev.gateway.chaos.docker.QuotaHistoryChecker.Role;
import dev.gateway.chaos.docker.QuotaHistoryChecker.Split;
import dev.gateway.chaos.docker.QuotaHistoryChecker.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Synthetic histories: L = 30 per 2 s on 3 nodes (share 10), windows 0..19 (40 s of load). */
class QuotaHistoryCheckerTest {
    static final int L = 30;
    static final long P = 2_000;
    static final long END = 20 * P;
    final QuotaHistoryChecker checker = new QuotaHistoryChecker(L, 3, P);

    /** {@code count} admissions of the shared bucket in window {@code w}, spread over gw-1..3. */
    static void shared(List<NodeLoad.Sample> out, long w, int count) {
        for (int i = 0; i < count; i++) {
            long t = w * P + 10 + i * 30L;
            out.add(new NodeLoad.Sample("gw-" + (1 + i % 3), t, t + 5, 200, String.valueOf(L)));
        }
    }

    static void local(List<NodeLoad.Sample> out, String node, long w, int count) {
        for (int i = 0; i < count; i++) {
            long t = w * P + 20 + i * 30L;
            out.add(new NodeLoad.Sample(node, t, t + 5, 200, "10"));
        }
    }

    /** A steady run: L shared in every window, and refusals. */
    static List<NodeLoad.Sample> steady() {
        List<NodeLoad.Sample> out = new ArrayList<>();
        for (long w = 0; w < 20; w++) {
            shared(out, w, L);
            out.add(new NodeLoad.Sample("gw-1", w * P + 1900, w * P + 1901, 429, String.valueOf(L)));
        }
        return out;
    }

    @Test
    void aSteadyHistoryHolds() {
        Verdict v = checker.check(steady(), List.of(), 0, END);
        assertThat(v.violations()).isEmpty();
        assertThat(v.admitted()).isEqualTo(20 * L);
        assertThat(v.windows()).hasSize(20);
    }

    @Test
    void anOverAdmissionWithNoFaultIsCaught() {
        List<NodeLoad.Sample> h = steady();
        shared(h, 7, 1);
        Verdict v = checker.check(h, List.of(), 0, END);
        assertThat(v.violations()).hasSize(2).allMatch(s -> s.startsWith("window 7 "))
                .anyMatch(s -> s.contains("the cluster's bucket admitted 31 (expected: <= 30)"))
                .anyMatch(s -> s.contains("admitted 31 in all"));
    }

    @Test
    void aCutOffOwnerMayAdmitTwiceTheLimitWhileCutButNotAfterTheHeal() {
        // gw-1 owns the bucket, cut off from 10 s to 20 s, the cluster whole again at 24 s
        Exposure cut = new Exposure(Kind.PARTITION, "gw-1", Role.OWNER, 10_000, 20_000, 24_000);
        List<NodeLoad.Sample> h = steady();
        shared(h, 6, L); // 12-14 s: both copies: 60
        assertThat(checker.check(h, List.of(cut), 0, END).violations()).isEmpty();

        shared(h, 13, L); // 26-28 s: the healed bucket admits a full limit again: reset
        Verdict v = checker.check(h, List.of(cut), 0, END);
        assertThat(v.violations()).anyMatch(s -> s.startsWith("window 13 ")
                && s.contains("the cluster's bucket admitted 60 (expected: <= 30): a bucket reset after the heal"));
    }

    @Test
    void theSameTwoLimitsAreAnOverAdmissionWhenTheCutNodeHeldNoCopy() {
        Exposure cut = new Exposure(Kind.PARTITION, "gw-3", Role.NONE, 10_000, 20_000, 24_000);
        List<NodeLoad.Sample> h = steady();
        shared(h, 6, L);
        assertThat(checker.check(h, List.of(cut), 0, END).violations())
                .anyMatch(s -> s.startsWith("window 6 ") && s.contains("bucket admitted 60 (expected: <= 30)"));
    }

    @Test
    void aCutNodeFallsBackToItsShareAndNoMore() {
        Exposure cut = new Exposure(Kind.PAUSE, "gw-3", Role.NONE, 10_000, 20_000, 24_000);
        List<NodeLoad.Sample> h = steady();
        local(h, "gw-3", 6, 10);
        assertThat(checker.check(h, List.of(cut), 0, END).violations()).isEmpty();

        local(h, "gw-3", 7, 11);
        assertThat(checker.check(h, List.of(cut), 0, END).violations())
                .anyMatch(s -> s.startsWith("window 7 ") && s.contains("gw-3's local fallback admitted 11 (expected: <= 10"))
                .anyMatch(s -> s.startsWith("window 7 ") && s.contains("admitted 41 in all"));
    }

    @Test
    void aFallbackWhileTheClusterIsWholeIsCaught() {
        Exposure kill = new Exposure(Kind.KILL, "gw-2", Role.OWNER, 10_000, 15_000, 24_000);
        List<NodeLoad.Sample> h = steady();
        local(h, "gw-1", 6, 10);
        local(h, "gw-3", 6, 10);
        assertThat(checker.check(h, List.of(kill), 0, END).violations()).isEmpty();
        local(h, "gw-1", 16, 3); // 32 s: past the settle and its period
        assertThat(checker.check(h, List.of(kill), 0, END).violations())
                .containsExactly("window 16 (+32.0 s from the load's start; no fault): local fallback admissions"
                        + " {gw-1=3} while the cluster was whole (expected: none)", "window 16 (+32.0 s from the load's"
                        + " start; no fault): admitted 33 in all (shared 30, local {gw-1=3}) (expected: <= 30)");
    }

    @Test
    void aLimiterThatRefusesEverythingFails() {
        List<NodeLoad.Sample> h = new ArrayList<>();
        for (long w = 0; w < 20; w++) {
            h.add(new NodeLoad.Sample("gw-1", w * P + 100, w * P + 101, 429, String.valueOf(L)));
        }
        Verdict v = checker.check(h, List.of(), 0, END);
        assertThat(v.violations()).hasSize(20).allMatch(s -> s.contains("admitted 0 with no fault (expected: >= 15"));
    }

    @Test
    void aClusterThatNeverSettledLeavesEveryLaterWindowExposed() {
        Exposure kill = new Exposure(Kind.KILL, "gw-2", Role.NONE, 10_000, 15_000, Long.MAX_VALUE);
        List<NodeLoad.Sample> h = steady();
        local(h, "gw-1", 18, 10);
        assertThat(checker.check(h, List.of(kill), 0, END).violations()).isEmpty();
    }

    @Test
    void aSplitTheMembersLoggedOutsideTheFaultsExposesItsWindowsAndNoMore() {
        // the failing CI run: gw-3 alone for 2 s, six seconds after the poll had seen the cluster whole
        Split split = new Split(12_100, 14_300, "gw-3 alone");
        List<NodeLoad.Sample> h = steady();
        local(h, "gw-3", 6, 10);
        local(h, "gw-3", 7, 4);
        assertThat(checker.check(h, List.of(), 0, END).violations()).hasSize(4);
        assertThat(checker.check(h, List.of(), List.of(split), 0, END).violations()).isEmpty();
        // the bucket's bound stays L (the node alone is below min-size), a node's fallback its share
        shared(h, 6, 1);
        local(h, "gw-1", 7, 11);
        assertThat(checker.check(h, List.of(), List.of(split), 0, END).violations())
                .anyMatch(s -> s.startsWith("window 6 ") && s.contains("the cluster's bucket admitted 31"))
                .anyMatch(s -> s.startsWith("window 7 ") && s.contains("gw-1's local fallback admitted 11"));
        // and a fallback after the split's windows is one while the cluster was whole
        List<NodeLoad.Sample> later = steady();
        local(later, "gw-3", 9, 1);
        assertThat(checker.check(later, List.of(), List.of(split), 0, END).violations())
                .anyMatch(s -> s.startsWith("window 9 (+18.0 s from the load's start; no fault): local fallback"));
    }
}
