package dev.gateway.chaos.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a set of answers: by status, admitted (200) per node, the slowest, and every rate-limit header
 * rule an answer broke (see {@link #checkHeaders}).
 */
public final class Tally {
    private final Map<Integer, Integer> byStatus = new TreeMap<>();
    private final Map<String, Integer> admittedByNode = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private long slowestNanos;
    private final Map<String, Integer> retryAfters = new TreeMap<>();

    public static Tally of(Collection<Burst.Attempt> attempts, long limit) {
        Tally tally = new Tally();
        for (Burst.Attempt a : attempts) {
            tally.add(a.target().node().name(), a.reply(), limit);
        }
        return tally;
    }

    public void add(String node, Http.Reply reply, long limit) {
        byStatus.merge(reply.status(), 1, Integer::sum);
        slowestNanos = Math.max(slowestNanos, reply.nanos());
        admittedByNode.putIfAbsent(node, 0);
        if (reply.status() == 200) {
            admittedByNode.merge(node, 1, Integer::sum);
        }
        if (reply.status() == 429) {
            retryAfters.merge(String.valueOf(reply.header("Retry-After")), 1, Integer::sum);
        }
        checkHeaders(reply, limit).forEach(v -> {
            if (violations.size() < 20) {
                violations.add(node + ": " + v);
            }
        });
    }

    /**
     * What CONFIG.md promises on a limited route: every answer carries {@code RateLimit-Limit/-Remaining/-Reset}
     * and their {@code X-RateLimit-*} twins with equal values; a 429 also has {@code Retry-After} (whole seconds,
     * at least 1), {@code RateLimit-Remaining: 0} and the JSON error body with status 429.
     */
    public static List<String> checkHeaders(Http.Reply reply, long limit) {
        List<String> problems = new ArrayList<>();
        if (reply.status() != 200 && reply.status() != 429) {
            return problems;
        }
        for (String name : List.of("Limit", "Remaining", "Reset")) {
            String value = reply.header("RateLimit-" + name);
            String twin = reply.header("X-RateLimit-" + name);
            if (value == null || !value.matches("\\d+")) {
                problems.add(reply.status() + " with RateLimit-" + name + ": " + value);
            } else if (!value.equals(twin)) {
                problems.add(reply.status() + " with RateLimit-" + name + ": " + value + " but X-RateLimit-" + name + ": " + twin);
            }
        }
        if (!String.valueOf(limit).equals(reply.header("RateLimit-Limit"))) {
            problems.add(reply.status() + " with RateLimit-Limit: " + reply.header("RateLimit-Limit") + " (expected " + limit + ")");
        }
        if (reply.status() == 429) {
            String retryAfter = reply.header("Retry-After");
            if (retryAfter == null || !retryAfter.matches("\\d+") || Long.parseLong(retryAfter) < 1) {
                problems.add("429 with Retry-After: " + retryAfter);
            }
            if (!"0".equals(reply.header("RateLimit-Remaining"))) {
                problems.add("429 with RateLimit-Remaining: " + reply.header("RateLimit-Remaining"));
            }
            var body = reply.json();
            if (body.path("status").asInt() != 429 || !body.hasNonNull("error") || !body.has("request_id")) {
                problems.add("429 with body " + reply.body());
            }
        }
        return problems;
    }

    public int count(int status) {
        return byStatus.getOrDefault(status, 0);
    }

    public int total() {
        return byStatus.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int admitted() {
        return count(200);
    }

    public int refused() {
        return count(429);
    }

    /** Answers that are neither 200 nor 429 (including no answer, -1). */
    public int other() {
        return total() - admitted() - refused();
    }

    public Map<Integer, Integer> byStatus() {
        return byStatus;
    }

    public Map<String, Integer> admittedByNode() {
        return admittedByNode;
    }

    public Map<String, Integer> retryAfters() {
        return retryAfters;
    }

    public List<String> violations() {
        return violations;
    }

    public long slowestMillis() {
        return slowestNanos / 1_000_000;
    }
}
