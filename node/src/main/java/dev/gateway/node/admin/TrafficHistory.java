package dev.gateway.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.cluster.summary.NodeSummary;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Traffic page's memory on the node serving the console: for the last {@link #WINDOW_SECONDS} seconds, each node's
 * and each node's routes' requests per second, 5xx answers per second and p99 (ms), made from the difference between
 * two consecutive {@link NodeSummary summaries} of a node; and the faults seen on the way (a node gone, a breaker
 * opening, a config version published). Fed once a second by {@link #record} (one thread), read by
 * {@link #render} ({@code GET /admin/traffic}). Bounded: {@value #WINDOW_SECONDS} points per series, at most
 * {@value #MAX_SERIES} series (more are not recorded, and {@code series_dropped} says how many were refused), at most
 * {@value #MAX_FAULTS} faults. Thread-safe (synchronized: one writer a second, a few readers).
 *
 * <p>The p99 of a point is the node's p99 over its last 1024 requests of that route at that second (the sample the
 * metrics keep), shown only for a second in which the route had requests; a node's p99 is the highest of its routes'.
 * A node's summary that did not change since the last second (published a little late) repeats the rates it gave
 * last, for up to {@link #HOLD_MILLIS}; then the node has a gap.
 */
public final class TrafficHistory {
    /** How far back the history goes: 15 minutes. */
    public static final int WINDOW_SECONDS = 900;
    static final int MAX_SERIES = 256;
    static final int MAX_FAULTS = 200;
    static final long HOLD_MILLIS = 2_500;
    /** Two openings of one upstream's breaker within this are one fault (each node reports its own). */
    static final long SAME_FAULT_MILLIS = 10_000;

    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Series> series = new LinkedHashMap<>();
    private final Map<String, NodeSummary> previous = new HashMap<>();
    private final Map<String, Map<String, Rates>> lastRates = new HashMap<>();
    private final Set<String> liveLastTick = new HashSet<>();
    private final Map<String, Long> lastBreakerFault = new HashMap<>();
    private final ArrayDeque<Fault> faults = new ArrayDeque<>();
    private long highestVersion = -1;
    private long lastSecond = -1;
    private long seriesDropped;

    private record Rates(double requests, double errors, double p99Ms) {
    }

    private record Fault(long atMillis, String kind, String node, String detail) {
    }

    /** One line on the charts: a node's total ({@code route} null) or one of its routes. */
    private static final class Series {
        final String node;
        final String route;
        final long[] seconds = new long[WINDOW_SECONDS];
        final double[] requests = new double[WINDOW_SECONDS];
        final double[] errors = new double[WINDOW_SECONDS];
        final double[] p99 = new double[WINDOW_SECONDS];

        Series(String node, String route) {
            this.node = node;
            this.route = route;
            java.util.Arrays.fill(seconds, -1);
        }

        void put(long second, Rates r) {
            int slot = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
            seconds[slot] = second;
            requests[slot] = r.requests;
            errors[slot] = r.errors;
            p99[slot] = r.p99Ms;
        }
    }

    /** Takes the summaries live at {@code nowMillis} (this node's clock): one point per series, and any faults. */
    public synchronized void record(long nowMillis, Map<String, NodeSummary> live) {
        long second = Math.floorDiv(nowMillis, 1000);
        if (second < lastSecond) {
            return;
        }
        lastSecond = second;
        long at = second * 1000;
        for (String node : liveLastTick) {
            if (!live.containsKey(node)) {
                fault(at, "node-gone", node, node + " stopped publishing its summary");
            }
        }
        long highest = highestVersion;
        for (NodeSummary s : live.values()) {
            if (!liveLastTick.contains(s.node()) && previous.containsKey(s.node())) {
                fault(at, "node-back", s.node(), s.node() + " publishes again");
            }
            breakerFaults(at, s);
            highest = Math.max(highest, s.configVersion());
            Map<String, Rates> rates = rates(nowMillis, s);
            if (rates != null) {
                for (Map.Entry<String, Rates> e : rates.entrySet()) {
                    Series line = series(s.node(), e.getKey());
                    if (line != null) {
                        line.put(second, e.getValue());
                    }
                }
            }
        }
        if (highestVersion >= 0 && highest > highestVersion) {
            fault(at, "config-published", null, "config version " + highest + " in force");
        }
        highestVersion = highest;
        liveLastTick.clear();
        liveLastTick.addAll(live.keySet());
    }

    /** The key of a node's total among its rates; route ids never contain a newline. */
    private static final String TOTAL = "\n";

    /** This node's rates at this second: new ones from a newer summary, the last ones held, or null (a gap). */
    private Map<String, Rates> rates(long nowMillis, NodeSummary s) {
        NodeSummary before = previous.get(s.node());
        if (before != null && s.publishedAtMillis() == before.publishedAtMillis()) {
            return nowMillis - s.publishedAtMillis() <= HOLD_MILLIS ? lastRates.get(s.node()) : null;
        }
        previous.put(s.node(), s);
        if (before == null || before.startedAtMillis() != s.startedAtMillis()
                || s.publishedAtMillis() < before.publishedAtMillis()) {
            lastRates.remove(s.node());
            return null;
        }
        double seconds = (s.publishedAtMillis() - before.publishedAtMillis()) / 1000.0;
        Map<String, Rates> routes = new LinkedHashMap<>();
        double nodeP99 = Double.NaN;
        for (Map.Entry<String, NodeSummary.RouteStats> e : s.routes().entrySet()) {
            NodeSummary.RouteStats now = e.getValue();
            NodeSummary.RouteStats then = before.routes().getOrDefault(e.getKey(),
                    new NodeSummary.RouteStats(0, 0, 0, 0));
            double requests = Math.max(0, now.requests() - then.requests()) / seconds;
            double p99 = requests > 0 ? now.p99Micros() / 1000.0 : Double.NaN;
            if (!Double.isNaN(p99) && (Double.isNaN(nodeP99) || p99 > nodeP99)) {
                nodeP99 = p99;
            }
            routes.put(e.getKey(), new Rates(requests, Math.max(0, now.errors() - then.errors()) / seconds, p99));
        }
        Map<String, Rates> out = new LinkedHashMap<>();
        // the node's total first: when the series are at their bound, a node's total still gets its line
        out.put(TOTAL, new Rates(Math.max(0, s.requests() - before.requests()) / seconds,
                Math.max(0, s.errors() - before.errors()) / seconds, nodeP99));
        out.putAll(routes);
        lastRates.put(s.node(), out);
        return out;
    }

    private void breakerFaults(long nowMillis, NodeSummary s) {
        NodeSummary before = previous.get(s.node());
        for (Map.Entry<String, String> e : s.breakers().entrySet()) {
            String was = before == null ? "closed" : before.breakers().getOrDefault(e.getKey(), "closed");
            if (e.getValue().equals("open") && !was.equals("open")) {
                Long last = lastBreakerFault.get(e.getKey());
                if (last == null || nowMillis - last > SAME_FAULT_MILLIS) {
                    fault(nowMillis, "breaker-open", s.node(), "breaker of " + e.getKey() + " opened");
                    lastBreakerFault.put(e.getKey(), nowMillis);
                }
            }
        }
    }

    private Series series(String node, String routeKey) {
        String route = routeKey.equals(TOTAL) ? null : routeKey;
        String key = node + '\n' + (route == null ? "\n" : route);
        Series line = series.get(key);
        if (line == null) {
            if (series.size() >= MAX_SERIES) {
                seriesDropped++;
                return null;
            }
            line = new Series(node, route);
            series.put(key, line);
        }
        return line;
    }

    private void fault(long atMillis, String kind, String node, String detail) {
        if (faults.size() >= MAX_FAULTS) {
            faults.removeFirst();
        }
        faults.addLast(new Fault(atMillis, kind, node, detail));
    }

    /**
     * {@code GET /admin/traffic?since=<ms>}: the points and faults after {@code sinceMillis} (0: the whole window), as
     * columns ({@code t} in ms, {@code requests} and {@code errors} per second, {@code p99_ms}; null where there is no
     * value), and {@code through}: the time of the latest point, the {@code since} of the next call.
     */
    public synchronized String render(long nowMillis, long sinceMillis) {
        long oldest = Math.floorDiv(nowMillis, 1000) - WINDOW_SECONDS;
        ObjectNode out = json.createObjectNode();
        out.put("now", nowMillis);
        out.put("window_seconds", WINDOW_SECONDS);
        out.put("through", lastSecond < 0 ? sinceMillis : Math.max(sinceMillis, lastSecond * 1000));
        out.put("series_dropped", seriesDropped);
        ArrayNode lines = out.putArray("series");
        for (Series line : series.values()) {
            ObjectNode o = json.createObjectNode();
            o.put("node", line.node);
            if (line.route == null) {
                o.putNull("route");
            } else {
                o.put("route", line.route);
            }
            ArrayNode t = o.putArray("t");
            ArrayNode requests = o.putArray("requests");
            ArrayNode errors = o.putArray("errors");
            ArrayNode p99 = o.putArray("p99_ms");
            long first = Math.max(oldest + 1, Math.floorDiv(sinceMillis, 1000) + 1);
            for (long second = first; second <= lastSecond; second++) {
                int slot = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
                if (line.seconds[slot] != second) {
                    continue;
                }
                t.add(second * 1000);
                number(requests, line.requests[slot]);
                number(errors, line.errors[slot]);
                number(p99, line.p99[slot]);
            }
            if (!t.isEmpty()) {
                lines.add(o);
            }
        }
        ArrayNode list = out.putArray("faults");
        for (Fault f : faults) {
            if (f.atMillis() > sinceMillis && f.atMillis() > oldest * 1000) {
                ObjectNode o = list.addObject();
                o.put("at", f.atMillis());
                o.put("kind", f.kind());
                if (f.node() != null) {
                    o.put("node", f.node());
                }
                o.put("detail", f.detail());
            }
        }
        return out.toString();
    }

    private static void number(ArrayNode to, double value) {
        if (Double.isNaN(value)) {
            to.addNull();
        } else {
            to.add(Math.round(value * 1000) / 1000.0);
        }
    }
}
