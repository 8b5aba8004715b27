package dev.gateway.chaos.docker;

import dev.gateway.chaos.docker.FaultSchedule.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the whole history of a global fixed-window quota ({@code limit} L per {@code period}, {@code key: global},
 * {@code on-cluster-failure: local}, {@code n} nodes, fallback share {@code s = floor(L / n)}) against the faults
 * that were applied (pure: samples and exposures in, violations out). Admissions are counted per window of the
 * quota by {@link QuotaWindows}: {@code shared} (the answer's {@code RateLimit-Limit} is L: the cluster's bucket
 * decided) and {@code local} per node (any other value: the node's fallback decided); a request that did not start
 * and end in one window is left out of the counts.
 *
 * <p>A fault exposes the windows it touches. Each {@link Exposure} has three moments: the fault applied
 * ({@code start}), undone ({@code recovered}: restart, SIGCONT, heal) and the cluster seen whole again
 * ({@code settled}: every node a ready member of a cluster of n). A window is <em>exposed</em> to it when it overlaps
 * [{@code start}, {@code settled} + one period) (the period after is for the checks in flight when the driver saw
 * the cluster whole). The rules, from the README's "Consistency under failure":
 * <ol>
 *   <li><b>fallback share</b>: in every window, every node's {@code local} admissions are at most {@code s};</li>
 *   <li><b>no fallback when whole</b>: a window exposed to no fault has no {@code local} admission;</li>
 *   <li><b>the bucket</b>: {@code shared} is at most L in every window, except windows overlapping
 *       [{@code start}, {@code recovered} + one period) of a cut ({@link Kind#PAUSE}, {@link Kind#PARTITION}) of the
 *       node that owned the bucket (or of a node whose role was not known): both copies live, at most 2L (the
 *       README's "at most one extra L per key"). A window starting a period after the heal or thaw with more than L
 *       shared is a <b>reset after the heal</b> (the merge must keep the majority's bucket);</li>
 *   <li><b>together</b>: a window's {@code shared + local} is at most L plus the extra of each fault exposing it:
 *       a cut of the owner L (the README's 2L per window while the owner is cut off), a cut of a backup
 *       {@code n·s} (the owner's synchronous backup times out, so every node may fall back), a cut of a node
 *       holding no copy {@code s} (only it falls back), a kill or stop {@code n·s} (the survivors fall back while
 *       the dead member's keys time out, the restarted node while it joins);</li>
 *   <li><b>two-sided</b>: a window exposed to no fault and lying wholly inside the load admits at least L/2 (the
 *       load offers well over L: a limiter that refuses everything fails here).</li>
 * </ol>
 * A {@link Split} is a stretch the members' logs show some node in a cluster smaller than n outside every fault's
 * [{@code start}, {@code settled}] (a fault's after-effect the poll for {@code settled} did not see, such as the
 * mastership claim that can follow a short freeze of the master). It exposes the windows overlapping [{@code from},
 * {@code to} + one period) as a kill does ({@code n·s} extra, fallback allowed); the bucket's bound stays L (a node
 * alone is below {@code min-size} and cannot use its copy).
 */
final class QuotaHistoryChecker {

    /** What the faulted node held of the quota's bucket when the fault began ({@code /admin/limits}). */
    enum Role {
        OWNER, BACKUP, NONE, UNKNOWN
    }

    /** One applied fault, in epoch ms ({@code settled}: {@code Long.MAX_VALUE} when the cluster never got whole). */
    record Exposure(Kind kind, String node, Role role, long start, long recovered, long settled) {
        boolean ownerCut() {
            return kind.cutsOff() && (role == Role.OWNER || role == Role.UNKNOWN);
        }
    }

    /** Some node's member list was short from {@code from} to {@code to} (epoch ms), outside every fault. */
    record Split(long from, long to, String what) {
    }

    /** The violations (empty: the history keeps every rule) and one line per window, for the report. */
    record Verdict(List<String> violations, List<String> windows, int admitted, int allowed) {
        boolean holds() {
            return violations.isEmpty();
        }
    }

    private final int limit;
    private final int nodes;
    private final int share;
    private final long period;

    QuotaHistoryChecker(int limit, int nodes, long periodMillis) {
        if (limit <= 0 || nodes <= 0 || periodMillis <= 0) {
            throw new IllegalArgumentException("limit, nodes, period: " + limit + ", " + nodes + ", " + periodMillis
                    + " (expected: > 0)");
        }
        this.limit = limit;
        this.nodes = nodes;
        this.share = limit / nodes;
        this.period = periodMillis;
    }

    /**
     * @param loadFrom when the load started (epoch ms); {@code loadTo} when it stopped: the two-sided rule looks only at
     *                 windows wholly in between
     */
    Verdict check(List<NodeLoad.Sample> samples, List<Exposure> faults, long loadFrom, long loadTo) {
        return check(samples, faults, List.of(), loadFrom, loadTo);
    }

    /** As {@link #check(List, List, long, long)}, with the splits the members' logs show outside the faults. */
    Verdict check(List<NodeLoad.Sample> samples, List<Exposure> faults, List<Split> splits, long loadFrom,
            long loadTo) {
        QuotaWindows windows = new QuotaWindows(samples, period, limit);
        List<String> violations = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        int admitted = 0;
        int allowedSum = 0;
        List<QuotaWindows.Window> all = new ArrayList<>(windows.within(loadFrom, loadTo));
        for (QuotaWindows.Window w : windows.all()) {
            if (all.stream().noneMatch(x -> x.index == w.index)) {
                all.add(w);
            }
        }
        all.sort((a, b) -> Long.compare(a.index, b.index));
        for (QuotaWindows.Window w : all) {
            long from = w.startMillis(period);
            long to = from + period;
            List<Exposure> exposing = faults.stream()
                    .filter(f -> overlaps(from, to, f.start(), saturatedAdd(f.settled(), period))).toList();
            boolean twoCopies = faults.stream()
                    .anyMatch(f -> f.ownerCut() && overlaps(from, to, f.start(), f.recovered() + period));
            int sharedBound = twoCopies ? 2 * limit : limit;
            List<Split> splitting = splits.stream()
                    .filter(x -> overlaps(from, to, x.from(), saturatedAdd(x.to(), period))).toList();
            int allowed = limit + exposing.stream().mapToInt(this::extra).sum() + splitting.size() * nodes * share;
            List<String> causes = new ArrayList<>(exposing.stream().map(f -> f.kind() + " " + f.node() + " ("
                    + f.role() + ")").distinct().toList());
            splitting.forEach(x -> causes.add("split: " + x.what()));
            String at = String.format("window %d (%+.1f s from the load's start; %s)", w.index, (from - loadFrom) / 1000.0,
                    causes.isEmpty() ? "no fault" : String.join(", ", causes));
            for (var local : w.local.entrySet()) {
                if (local.getValue() > share) {
                    violations.add(String.format("%s: %s's local fallback admitted %d (expected: <= %d, L/n)", at,
                            local.getKey(), local.getValue(), share));
                }
            }
            if (causes.isEmpty() && !w.local.isEmpty()) {
                violations.add(String.format("%s: local fallback admissions %s while the cluster was whole (expected:"
                        + " none)", at, w.local));
            }
            if (w.shared > sharedBound) {
                boolean afterRecovery = faults.stream().anyMatch(f -> f.kind().cutsOff() && from >= f.recovered() + period
                        && from < saturatedAdd(f.settled(), 2 * period));
                violations.add(String.format("%s: the cluster's bucket admitted %d (expected: <= %d)%s", at, w.shared,
                        sharedBound, afterRecovery ? ": a bucket reset after the heal" : ""));
            }
            if (w.total() > allowed) {
                violations.add(String.format("%s: admitted %d in all (%s) (expected: <= %d)", at, w.total(), w, allowed));
            }
            boolean whole = from >= loadFrom && to <= loadTo;
            if (causes.isEmpty() && whole && w.total() < limit / 2) {
                violations.add(String.format("%s: admitted %d with no fault (expected: >= %d, L/2, under a load well"
                        + " over L)", at, w.total(), limit / 2));
            }
            admitted += w.total();
            allowedSum += allowed;
            lines.add(String.format("%s: %d of <= %d (%s)", at, w.total(), allowed, w));
        }
        return new Verdict(List.copyOf(violations), List.copyOf(lines), admitted, allowedSum);
    }

    /** What a fault exposing a window lets it admit over L (rule 4). */
    private int extra(Exposure f) {
        if (f.ownerCut()) {
            return limit;
        }
        if (f.kind().cutsOff() && f.role() == Role.NONE) {
            return share;
        }
        return nodes * share;
    }

    private static boolean overlaps(long from, long to, long start, long end) {
        return from < end && to > start;
    }

    private static long saturatedAdd(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }
}
