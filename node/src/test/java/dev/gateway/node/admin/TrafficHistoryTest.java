package dev.gateway.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.cluster.summary.NodeSummary;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Traffic page's history: rates from consecutive summaries, faults on the time axis, the 15-minute bound. */
class TrafficHistoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_700_000_000_000L;
    private final TrafficHistory history = new TrafficHistory();

    private static NodeSummary summary(String node, long at, long requests, long errors, long version,
                                       String breaker) {
        return new NodeSummary(node, at, T0 - 60_000, requests, errors, null, version, Map.of("users", breaker),
                Map.of("users", new NodeSummary.RouteStats(requests, errors, 2_000, 12_500)), Map.of());
    }

    private static Map<String, NodeSummary> live(NodeSummary... summaries) {
        Map<String, NodeSummary> out = new TreeMap<>();
        for (NodeSummary s : summaries) {
            out.put(s.node(), s);
        }
        return out;
    }

    private JsonNode render(long now, long since) throws Exception {
        return JSON.readTree(history.render(now, since));
    }

    private static JsonNode line(JsonNode out, String node, String route) {
        for (JsonNode s : out.path("series")) {
            if (s.path("node").asText().equals(node)
                    && (route == null ? s.path("route").isNull() : s.path("route").asText().equals(route))) {
                return s;
            }
        }
        throw new AssertionError("no series " + node + "/" + route + " in " + out);
    }

    @Test
    void ratesComeFromTwoConsecutiveSummariesPerNodeAndRoute() throws Exception {
        history.record(T0 + 100, live(summary("gw-1", T0, 1_000, 10, 3, "closed")));
        history.record(T0 + 1_100, live(summary("gw-1", T0 + 1_000, 1_250, 15, 3, "closed")));
        history.record(T0 + 2_100, live(summary("gw-1", T0 + 2_000, 1_450, 15, 3, "closed")));

        JsonNode out = render(T0 + 2_200, 0);

        JsonNode total = line(out, "gw-1", null);
        assertThat(total.path("t").toString()).isEqualTo("[" + (T0 + 1_000) + "," + (T0 + 2_000) + "]");
        assertThat(total.path("requests").toString()).isEqualTo("[250.0,200.0]");
        assertThat(total.path("errors").toString()).isEqualTo("[5.0,0.0]");
        assertThat(total.path("p99_ms").toString()).isEqualTo("[12.5,12.5]");
        assertThat(line(out, "gw-1", "users").path("requests").toString()).isEqualTo("[250.0,200.0]");
        assertThat(out.path("through").asLong()).isEqualTo(T0 + 2_000);
        assertThat(out.path("faults")).isEmpty();

        JsonNode next = render(T0 + 2_200, T0 + 1_000);
        assertThat(line(next, "gw-1", null).path("t").toString()).isEqualTo("[" + (T0 + 2_000) + "]");
    }

    @Test
    void aLateSummaryRepeatsTheLastRatesForAWhileThenLeavesAGap() throws Exception {
        history.record(T0 + 100, live(summary("gw-1", T0, 0, 0, 3, "closed")));
        history.record(T0 + 1_100, live(summary("gw-1", T0 + 1_000, 100, 0, 3, "closed")));
        history.record(T0 + 2_100, live(summary("gw-1", T0 + 1_000, 100, 0, 3, "closed")));
        history.record(T0 + 4_100, live(summary("gw-1", T0 + 1_000, 100, 0, 3, "closed")));

        JsonNode total = line(render(T0 + 4_200, 0), "gw-1", null);

        assertThat(total.path("t").toString()).isEqualTo("[" + (T0 + 1_000) + "," + (T0 + 2_000) + "]");
        assertThat(total.path("requests").toString()).isEqualTo("[100.0,100.0]");
    }

    @Test
    void aNodeLeavingABreakerOpeningAndAPublishAreFaultsOnTheTimeAxis() throws Exception {
        history.record(T0, live(summary("gw-1", T0, 0, 0, 3, "closed"), summary("gw-2", T0, 0, 0, 3, "closed")));
        history.record(T0 + 1_000, live(summary("gw-1", T0 + 1_000, 0, 0, 3, "open"),
                summary("gw-2", T0 + 1_000, 0, 0, 3, "open")));
        history.record(T0 + 2_000, live(summary("gw-1", T0 + 2_000, 0, 0, 4, "open")));

        JsonNode faults = render(T0 + 2_000, 0).path("faults");

        assertThat(faults).hasSize(3);
        assertThat(faults.get(0).path("kind").asText()).isEqualTo("breaker-open");
        assertThat(faults.get(0).path("at").asLong()).isEqualTo(T0 + 1_000);
        assertThat(faults.get(0).path("detail").asText()).contains("users");
        assertThat(faults.get(1).path("kind").asText()).isEqualTo("node-gone");
        assertThat(faults.get(1).path("node").asText()).isEqualTo("gw-2");
        assertThat(faults.get(2).path("kind").asText()).isEqualTo("config-published");
        assertThat(faults.get(2).path("detail").asText()).contains("version 4");
        assertThat(render(T0 + 2_000, T0 + 1_000).path("faults")).hasSize(2);
    }

    @Test
    void theHistoryKeepsFifteenMinutesAndABoundedNumberOfSeries() throws Exception {
        long requests = 0;
        for (int i = 0; i <= TrafficHistory.WINDOW_SECONDS + 60; i++) {
            requests += 10;
            history.record(T0 + i * 1_000L, live(summary("gw-1", T0 + i * 1_000L, requests, 0, 3, "closed")));
        }
        long now = T0 + (TrafficHistory.WINDOW_SECONDS + 60) * 1_000L;
        JsonNode total = line(render(now, 0), "gw-1", null);
        assertThat(total.path("t")).hasSize(TrafficHistory.WINDOW_SECONDS);
        assertThat(total.path("t").get(0).asLong()).isEqualTo(now - (TrafficHistory.WINDOW_SECONDS - 1) * 1_000L);

        Map<String, NodeSummary.RouteStats> many = new HashMap<>();
        for (int r = 0; r < TrafficHistory.MAX_SERIES + 10; r++) {
            many.put("r" + r, new NodeSummary.RouteStats(1, 0, 1, 1));
        }
        TrafficHistory wide = new TrafficHistory();
        wide.record(T0, live(new NodeSummary("gw-1", T0, T0, 0, 0, null, 1, Map.of(), many, Map.of())));
        wide.record(T0 + 1_000, live(new NodeSummary("gw-1", T0 + 1_000, T0, 0, 0, null, 1, Map.of(), many, Map.of())));
        JsonNode out = JSON.readTree(wide.render(T0 + 1_000, 0));
        assertThat(out.path("series")).hasSize(TrafficHistory.MAX_SERIES);
        assertThat(out.path("series_dropped").asLong()).isPositive();
    }
}
