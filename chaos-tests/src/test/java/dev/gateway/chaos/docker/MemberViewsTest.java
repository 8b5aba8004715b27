package dev.gateway.chaos.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.chaos.docker.FaultSchedule.Kind;
import dev.gateway.chaos.docker.MemberViews.Change;
import dev.gateway.chaos.docker.MemberViews.Stretch;
import dev.gateway.chaos.docker.QuotaHistoryChecker.Exposure;
import dev.gateway.chaos.docker.QuotaHistoryChecker.Role;
import dev.gateway.chaos.docker.QuotaHistoryChecker.Split;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The member lists of a randomized run that failed in CI (seed 6792813651643201938): gw-1, the master, was frozen
 * for 4.9 s; the poll saw three members on every node just after SIGCONT, and six seconds later gw-3 (whose
 * mastership claim gw-2 had not accepted) was split off alone for two seconds.
 */
class MemberViewsTest {
    static final String GW1 = """
            2026-12-08T03:19:38.528457134Z Members {size:1, ver:1} [
            2026-12-08T03:19:38.528457135Z 	Member [gw-1]:5701 - 84be4e04 this
            2026-12-08T03:19:39.487943204Z Members {size:2, ver:2} [
            2026-12-08T03:19:40.486160950Z Members {size:3, ver:3} [
            2026-12-08T03:20:06.132202568Z Members {size:2, ver:4} [
            2026-12-08T03:20:08.386929934Z Members {size:3, ver:5} [
            """;
    static final String GW2 = """
            2026-12-08T03:19:40.506304204Z Members {size:3, ver:3} [
            2026-12-08T03:20:06.139671690Z Members {size:2, ver:4} [
            2026-12-08T03:20:08.402596608Z Members {size:3, ver:5} [
            """;
    static final String GW3 = """
            2026-12-08T03:19:39.516025854Z Members {size:2, ver:2} [
            2026-12-08T03:19:40.492943197Z Members {size:3, ver:3} [
            2026-12-08T03:20:00.303512169Z 03:20:00.303 INFO  [hz.gw-3-5701.cached.thread-2] c.h.i.c.i.MembershipManager - Starting mastership claim process...
            2026-12-08T03:20:06.264715091Z Members {size:1, ver:4} [
            2026-12-08T03:20:08.394494753Z Members {size:3, ver:5} [
            Members {size:2, ver:9} [
            """;
    static final long LOAD_FROM = at("03:19:42.000");
    /** The freeze of gw-1 as the driver recorded it: SIGSTOP, SIGCONT, and the poll that saw three on every node. */
    static final Exposure PAUSE = new Exposure(Kind.PAUSE, "gw-1", Role.NONE, at("03:19:55.100"),
            at("03:20:00.000"), at("03:20:00.450"));

    static long at(String time) {
        return Instant.parse("2026-12-08T" + time + "Z").toEpochMilli();
    }

    static List<Change> all() {
        List<Change> out = new ArrayList<>(MemberViews.parse("gw-1", GW1));
        out.addAll(MemberViews.parse("gw-2", GW2));
        out.addAll(MemberViews.parse("gw-3", GW3));
        return out;
    }

    @Test
    void readsEveryTimestampedMemberList() {
        assertThat(MemberViews.parse("gw-3", GW3)).extracting(Change::size).containsExactly(2, 3, 1, 3);
        assertThat(MemberViews.parse("gw-1", GW1).get(3)).isEqualTo(new Change(at("03:20:06.132"), "gw-1", 2));
    }

    @Test
    void findsTheStretchesWithAShortList() {
        List<Stretch> stretches = MemberViews.shortStretches(all(), 3);
        assertThat(stretches).containsExactly(
                new Stretch(at("03:19:38.528"), at("03:19:40.492"), Map.of("gw-1", 1, "gw-3", 2)),
                new Stretch(at("03:20:06.132"), at("03:20:08.402"), Map.of("gw-1", 2, "gw-2", 2, "gw-3", 1)));
    }

    @Test
    void aSplitAfterTheClusterWasSeenWholeIsOneNoFaultExplains() {
        List<Split> splits = MemberViews.unexplained(MemberViews.shortStretches(all(), 3), List.of(PAUSE), LOAD_FROM,
                1_000);
        assertThat(splits).hasSize(1);
        assertThat(splits.get(0).from()).isEqualTo(at("03:20:06.132"));
        assertThat(splits.get(0).to()).isEqualTo(at("03:20:08.402"));
        assertThat(splits.get(0).what()).contains("gw-3=1");
    }

    @Test
    void aStretchInsideAFaultIsThatFaults() {
        Exposure longer = new Exposure(Kind.PAUSE, "gw-1", Role.NONE, PAUSE.start(), at("03:20:07.000"),
                at("03:20:08.000"));
        assertThat(MemberViews.unexplained(MemberViews.shortStretches(all(), 3), List.of(longer), LOAD_FROM, 1_000))
                .isEmpty();
        // the same stretch outliving the fault's settled mark by more than the slack: the rest is unexplained
        Exposure shorter = new Exposure(Kind.PAUSE, "gw-1", Role.NONE, PAUSE.start(), at("03:20:05.000"),
                at("03:20:06.500"));
        assertThat(MemberViews.unexplained(MemberViews.shortStretches(all(), 3), List.of(shorter), LOAD_FROM, 1_000))
                .extracting(Split::from).containsExactly(at("03:20:06.500"));
    }

    @Test
    void aListThatNeverGotWholeRunsToTheEnd() {
        List<Change> changes = new ArrayList<>(all());
        changes.add(new Change(at("03:21:00.000"), "gw-2", 2));
        List<Stretch> stretches = MemberViews.shortStretches(changes, 3);
        assertThat(stretches.get(stretches.size() - 1).to()).isEqualTo(Long.MAX_VALUE);
    }
}
