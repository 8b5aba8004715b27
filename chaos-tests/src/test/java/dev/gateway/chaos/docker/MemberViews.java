package dev.gateway.chaos.docker;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The members' own account of the cluster: every member list a node's Hazelcast printed ({@code Members {size:N,
 * ver:V}}), at the container log's timestamp, read into the stretches in which some node's list had fewer than n
 * members. A poll of {@code /admin/cluster} every 500 ms can miss a split that starts after it saw the cluster whole
 * (the next oldest member's mastership claim after a short freeze of the master ends seconds later); the log does
 * not.
 */
final class MemberViews {
    private static final Pattern MEMBERS = Pattern.compile("^(\\S+) Members \\{size:(\\d+), ver:\\d+\\}",
            Pattern.MULTILINE);

    /** {@code node}'s member list had {@code size} members from {@code at} (epoch ms) on. */
    record Change(long at, String node, int size) {
    }

    /**
     * From {@code from} to {@code to} (epoch ms; {@code Long.MAX_VALUE}: still so at the end) some node's list was
     * short: {@code smallest} is each such node's smallest size in the stretch.
     */
    record Stretch(long from, long to, Map<String, Integer> smallest) {
        @Override
        public String toString() {
            return String.format("%s to %s, %s", Instant.ofEpochMilli(from),
                    to == Long.MAX_VALUE ? "the end" : Instant.ofEpochMilli(to), smallest);
        }
    }

    private MemberViews() {
    }

    /** The member lists in one node's log (lines without a leading timestamp are skipped). */
    static List<Change> parse(String node, String log) {
        List<Change> out = new ArrayList<>();
        Matcher m = MEMBERS.matcher(log);
        while (m.find()) {
            try {
                out.add(new Change(Instant.parse(m.group(1)).toEpochMilli(), node, Integer.parseInt(m.group(2))));
            } catch (DateTimeParseException e) {
                // not a timestamped line: nothing to place in time
            }
        }
        return out;
    }

    /**
     * The stretches in which at least one node's latest list had fewer than {@code n} members (a node with no list
     * yet counts as whole: it has not joined, and its absence shows in the others' lists).
     */
    static List<Stretch> shortStretches(List<Change> changes, int n) {
        List<Change> sorted = new ArrayList<>(changes);
        sorted.sort(Comparator.comparingLong(Change::at));
        Map<String, Integer> latest = new TreeMap<>();
        List<Stretch> out = new ArrayList<>();
        long from = -1;
        Map<String, Integer> smallest = new TreeMap<>();
        for (Change c : sorted) {
            latest.put(c.node(), c.size());
            boolean whole = latest.values().stream().allMatch(s -> s >= n);
            if (!whole) {
                if (from < 0) {
                    from = c.at();
                    smallest = new TreeMap<>();
                }
                for (var e : latest.entrySet()) {
                    if (e.getValue() < n) {
                        smallest.merge(e.getKey(), e.getValue(), Math::min);
                    }
                }
            } else if (from >= 0) {
                out.add(new Stretch(from, c.at(), Map.copyOf(smallest)));
                from = -1;
            }
        }
        if (from >= 0) {
            out.add(new Stretch(from, Long.MAX_VALUE, Map.copyOf(smallest)));
        }
        return out;
    }

    /**
     * The stretches no applied fault explains, as the checker's splits: one that began after the load started and
     * outside every fault's [{@code start}, {@code settled}], or the part after {@code settled} of one that began
     * inside it and outlived it by more than {@code slackMillis} (the log line and the poll that saw the cluster
     * whole are not the same instant).
     */
    static List<QuotaHistoryChecker.Split> unexplained(List<Stretch> stretches, List<QuotaHistoryChecker.Exposure> faults,
            long loadFrom, long slackMillis) {
        List<QuotaHistoryChecker.Split> out = new ArrayList<>();
        for (Stretch s : stretches) {
            if (s.to() <= loadFrom) {
                continue;
            }
            long from = s.from();
            for (QuotaHistoryChecker.Exposure f : faults) {
                if (s.from() >= f.start() && s.from() <= f.settled()) {
                    from = f.settled() == Long.MAX_VALUE || s.to() <= f.settled() + slackMillis ? -1 : f.settled();
                    break;
                }
            }
            if (from >= 0) {
                out.add(new QuotaHistoryChecker.Split(Math.max(from, loadFrom), s.to(), s.toString()));
            }
        }
        return out;
    }
}
