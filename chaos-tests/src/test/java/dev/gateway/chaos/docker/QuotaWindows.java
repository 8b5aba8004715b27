package dev.gateway.chaos.docker;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a global fixed-window quota admitted, per window of the quota (aligned to the epoch, as the gateway's fixed
 * windows are) and per decider: the cluster's bucket (answers whose {@code RateLimit-Limit} is the policy's
 * limit) or a node's {@code local} fallback (any other value: its share of the limit). An admitted request counts in a window only
 * when it started and ended inside it, so that it was certainly decided there; the others are counted apart as
 * straddling (for an upper bound, leaving them out can only make a count smaller).
 */
final class QuotaWindows {

    /** One window's admissions. */
    static final class Window {
        final long index;
        int shared;
        /** {@link #shared} by the node that answered. */
        final Map<String, Integer> sharedBy = new TreeMap<>();
        final Map<String, Integer> local = new TreeMap<>();
        int straddling;

        Window(long index) {
            this.index = index;
        }

        int total() {
            return shared + local.values().stream().mapToInt(Integer::intValue).sum();
        }

        int local(String node) {
            return local.getOrDefault(node, 0);
        }

        /** What the cluster's bucket admitted through {@code nodes}. */
        int shared(List<String> nodes) {
            return nodes.stream().mapToInt(n -> sharedBy.getOrDefault(n, 0)).sum();
        }

        long startMillis(long periodMillis) {
            return index * periodMillis;
        }

        @Override
        public String toString() {
            return "shared " + shared + ", local " + local + (straddling > 0 ? ", straddling " + straddling : "");
        }
    }

    private final long periodMillis;
    private final Map<Long, Window> windows = new TreeMap<>();

    /** @param sharedLimit the policy's limit (the cluster's bucket's {@code RateLimit-Limit}; any other: a fallback) */
    QuotaWindows(List<NodeLoad.Sample> samples, long periodMillis, long sharedLimit) {
        this.periodMillis = periodMillis;
        for (NodeLoad.Sample s : samples) {
            if (s.status() != 200) {
                continue;
            }
            long w = Math.floorDiv(s.startMillis(), periodMillis);
            Window window = windows.computeIfAbsent(w, Window::new);
            if (Math.floorDiv(s.endMillis(), periodMillis) != w) {
                window.straddling++;
            } else if (String.valueOf(sharedLimit).equals(s.limit())) {
                window.shared++;
                window.sharedBy.merge(s.node(), 1, Integer::sum);
            } else {
                window.local.merge(s.node(), 1, Integer::sum); // the fallback's share, whatever it came to
            }
        }
    }

    /** Every window with an admitted request, in order. */
    List<Window> all() {
        return List.copyOf(windows.values());
    }

    /** Every window lying wholly in [{@code fromMillis}, {@code toMillis}), also those that admitted nothing. */
    List<Window> within(long fromMillis, long toMillis) {
        List<Window> out = new java.util.ArrayList<>();
        for (long w = Math.floorDiv(fromMillis + periodMillis - 1, periodMillis); (w + 1) * periodMillis <= toMillis; w++) {
            out.add(windows.getOrDefault(w, new Window(w)));
        }
        return out;
    }

    /** Whether window {@code w} overlaps [{@code fromMillis}, {@code toMillis}). */
    boolean overlaps(Window w, long fromMillis, long toMillis) {
        return w.startMillis(periodMillis) < toMillis && w.startMillis(periodMillis) + periodMillis > fromMillis;
    }
}
