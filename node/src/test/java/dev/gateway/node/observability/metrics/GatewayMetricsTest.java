package dev.gateway.node.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.codahale.metrics.MetricRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {
    private static final long MS = 1_000_000L;
    private static final String TARGET_1 = "http://127.0.0.1:9001";
    private static final String TARGET_2 = "http://127.0.0.1:9002";

    private final MetricRegistry registry = new MetricRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry);

    @Test
    void countsRequestsByRouteMethodAndStatusClass() {
        for (int i = 0; i < 3; i++) {
            metrics.requestFinished("users", "GET", 200, 2 * MS, "users", MS);
        }
        metrics.requestFinished("users", "POST", 201, 2 * MS, "users", MS);
        metrics.requestFinished("users", "POST", 503, 2 * MS, null, -1);
        metrics.requestFinished("orders", "GET", 304, 2 * MS, "orders", MS);
        metrics.requestFinished(null, "GET", 404, MS / 10, null, -1);

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.text)
                .contains("# TYPE gateway_requests_total counter\n")
                .contains("gateway_requests_total{method=\"GET\",route=\"users\",status_class=\"2xx\"} 3.0\n");
        assertThat(scrape.value("gateway_requests_total{method=\"POST\",route=\"users\",status_class=\"2xx\"}")).isEqualTo(1.0);
        assertThat(scrape.value("gateway_requests_total{method=\"POST\",route=\"users\",status_class=\"5xx\"}")).isEqualTo(1.0);
        assertThat(scrape.value("gateway_requests_total{method=\"GET\",route=\"orders\",status_class=\"3xx\"}")).isEqualTo(1.0);
        assertThat(scrape.value("gateway_requests_total{method=\"GET\",route=\"\",status_class=\"4xx\"}")).isEqualTo(1.0);
        assertThat(scrape.series("gateway_requests_total")).hasSize(5);
    }

    @Test
    void routeAndPolicyFiguresAreSummedForTheNodeSummary() {
        for (int i = 1; i <= 100; i++) {
            metrics.requestFinished("users", i % 2 == 0 ? "GET" : "POST", i <= 3 ? 502 : 200, i * MS, "users", MS);
        }
        metrics.requestFinished(null, "GET", 404, MS, null, -1);
        PolicyMetrics policy = metrics.rateLimitPolicy("per-ip");
        policy.decided(true, 1_000);
        policy.decided(false, 1_000);
        policy.fallback().inc();

        var routes = metrics.routeFigures();

        assertThat(routes).containsOnlyKeys("users", GatewayMetrics.NO_ROUTE);
        GatewayMetrics.RouteFigures users = routes.get("users");
        assertThat(users.requests()).isEqualTo(100);
        assertThat(users.serverErrors()).isEqualTo(3);
        assertThat(users.p50Nanos()).isBetween(49 * MS, 51 * MS);
        assertThat(users.p99Nanos()).isBetween(98 * MS, 100 * MS);
        assertThat(routes.get(GatewayMetrics.NO_ROUTE).requests()).isEqualTo(1);
        assertThat(routes.get(GatewayMetrics.NO_ROUTE).serverErrors()).isZero();
        assertThat(metrics.policyFigures()).containsExactly(
                java.util.Map.entry("per-ip", new GatewayMetrics.PolicyFigures(1, 1, 1)));
    }

    @Test
    void statusOutsideTheStandardClassesIsOther() {
        metrics.requestFinished("ws", "GET", 101, MS, "ws", MS);
        metrics.requestFinished("ws", "GET", 0, MS, "ws", MS);
        metrics.requestFinished("ws", "GET", 999, MS, "ws", MS);

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.value("gateway_requests_total{method=\"GET\",route=\"ws\",status_class=\"1xx\"}")).isEqualTo(1.0);
        assertThat(scrape.value("gateway_requests_total{method=\"GET\",route=\"ws\",status_class=\"other\"}")).isEqualTo(2.0);
    }

    @Test
    void unknownMethodsCountAsOther() {
        for (String method : new String[] {"BREW", "get", "PROPFIND", null, "x".repeat(500)}) {
            metrics.requestFinished("users", method, 400, MS, null, -1);
        }
        for (String method : GatewayMetrics.METHODS) {
            metrics.requestFinished("users", method, 200, MS, null, -1);
        }

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.value("gateway_requests_total{method=\"OTHER\",route=\"users\",status_class=\"4xx\"}")).isEqualTo(5.0);
        assertThat(scrape.series("gateway_requests_total"))
                .hasSize(11)
                .allMatch(series -> series.matches(".*method=\"(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|TRACE|CONNECT|OTHER)\".*"));
    }

    @Test
    void gatewayAndUpstreamDurationsAreSummariesInSeconds() {
        metrics.requestFinished("users", "GET", 200, 1 * MS, "users-svc", 500_000);
        metrics.requestFinished("users", "GET", 200, 2 * MS, "users-svc", 1_500_000);
        metrics.requestFinished("users", "GET", 200, 3 * MS, "users-svc", 2_500_000);
        metrics.requestFinished("users", "GET", 404, 4 * MS, null, -1);
        metrics.requestFinished("users", "GET", 502, 5 * MS, "users-svc", -1);

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.types).containsEntry("gateway_request_duration_seconds", "summary")
                .containsEntry("gateway_upstream_duration_seconds", "summary");
        assertThat(scrape.value("gateway_request_duration_seconds_count{route=\"users\"}")).isEqualTo(5.0);
        assertThat(scrape.value("gateway_request_duration_seconds_sum{route=\"users\"}")).isCloseTo(0.015, within(1e-12));
        assertThat(scrape.value("gateway_request_duration_seconds{route=\"users\",quantile=\"0.5\"}")).isEqualTo(0.003);
        for (String q : new String[] {"0.5", "0.75", "0.95", "0.98", "0.99", "0.999"}) {
            assertThat(scrape.value("gateway_request_duration_seconds{route=\"users\",quantile=\"" + q + "\"}")).isNotNull();
        }
        // Only the three requests that went upstream, with their upstream time.
        assertThat(scrape.value("gateway_upstream_duration_seconds_count{upstream=\"users-svc\"}")).isEqualTo(3.0);
        assertThat(scrape.value("gateway_upstream_duration_seconds_sum{upstream=\"users-svc\"}")).isCloseTo(0.0045, within(1e-12));
        assertThat(scrape.value("gateway_upstream_duration_seconds{upstream=\"users-svc\",quantile=\"0.5\"}")).isEqualTo(0.0015);
        assertThat(scrape.series("gateway_upstream_duration_seconds_count")).hasSize(1);
    }

    @Test
    void rateLimitChecksAreASummaryAndACumulativeHistogramInSeconds() {
        PolicyMetrics policy = metrics.rateLimitPolicy("per-key");
        policy.decided(true, 40_000);      // 40 us: in le=5.0E-5
        policy.decided(true, 300_000);     // exactly 300 us: bounds are inclusive
        policy.decided(false, 301_000);    // just above: le=4.0E-4
        policy.decided(true, 2 * 1_000 * MS); // 2 s: only +Inf

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.types).containsEntry("gateway_rate_limit_check_seconds", "summary")
                .containsEntry("gateway_rate_limit_check_duration_seconds", "histogram");
        String bucket = "gateway_rate_limit_check_duration_seconds_bucket{policy=\"per-key\",le=\"%s\"}";
        assertThat(scrape.value(bucket.formatted("2.5E-5"))).isEqualTo(0.0);
        assertThat(scrape.value(bucket.formatted("5.0E-5"))).isEqualTo(1.0);
        assertThat(scrape.value(bucket.formatted("2.5E-4"))).isEqualTo(1.0);
        assertThat(scrape.value(bucket.formatted("3.0E-4"))).isEqualTo(2.0);
        assertThat(scrape.value(bucket.formatted("4.0E-4"))).isEqualTo(3.0);
        assertThat(scrape.value(bucket.formatted("1.0"))).isEqualTo(3.0);
        assertThat(scrape.value(bucket.formatted("+Inf"))).isEqualTo(4.0);
        assertThat(scrape.series("gateway_rate_limit_check_duration_seconds_bucket"))
                .hasSize(LatencyHistogram.CHECK_BOUNDS_NANOS.length + 1);
        assertThat(scrape.value("gateway_rate_limit_check_duration_seconds_count{policy=\"per-key\"}")).isEqualTo(4.0);
        assertThat(scrape.value("gateway_rate_limit_check_duration_seconds_sum{policy=\"per-key\"}"))
                .isCloseTo(2.000641, within(1e-9));
        assertThat(scrape.value("gateway_rate_limit_check_seconds_count{policy=\"per-key\"}")).isEqualTo(4.0);
        assertThat(scrape.value("gateway_rate_limit_decisions_total{outcome=\"limited\",policy=\"per-key\"}")).isEqualTo(1.0);
        assertThat(metrics.rateLimitPolicy("per-key")).as("one set per policy, kept").isSameAs(policy);
    }

    @Test
    void poolGaugesAreReadAtScrapeTime() {
        AtomicInteger open = new AtomicInteger(5);
        AtomicInteger idle = new AtomicInteger(2);
        metrics.registerPool("users", TARGET_1, open::get, idle::get);

        Exposition first = Exposition.scrape(metrics);
        open.set(8);
        idle.set(0);
        Exposition second = Exposition.scrape(metrics);

        assertThat(first.types).containsEntry("gateway_upstream_connections", "gauge");
        assertThat(first.text)
                .contains("gateway_upstream_connections{state=\"open\",target=\"http://127.0.0.1:9001\",upstream=\"users\"} 5.0\n")
                .contains("gateway_upstream_connections{state=\"idle\",target=\"http://127.0.0.1:9001\",upstream=\"users\"} 2.0\n");
        assertThat(second.value("gateway_upstream_connections{state=\"open\",target=\"http://127.0.0.1:9001\",upstream=\"users\"}")).isEqualTo(8.0);
        assertThat(second.value("gateway_upstream_connections{state=\"idle\",target=\"http://127.0.0.1:9001\",upstream=\"users\"}")).isEqualTo(0.0);
    }

    @Test
    void healthFlipsWithTheSupplierAndReRegisteringReplacesIt() {
        AtomicBoolean healthy = new AtomicBoolean(true);
        metrics.registerHealth("users", TARGET_1, healthy::get);
        String series = "gateway_upstream_target_healthy{target=\"http://127.0.0.1:9001\",upstream=\"users\"}";

        assertThat(Exposition.scrape(metrics).value(series)).isEqualTo(1.0);
        healthy.set(false);
        assertThat(Exposition.scrape(metrics).value(series)).isEqualTo(0.0);

        metrics.registerHealth("users", TARGET_1, () -> true); // config reload
        Exposition reloaded = Exposition.scrape(metrics);

        assertThat(reloaded.value(series)).isEqualTo(1.0);
        assertThat(reloaded.series("gateway_upstream_target_healthy")).containsExactly(series);
    }

    @Test
    void unregisterRemovesTheTargetsPoolAndHealthSeriesOnly() {
        metrics.registerPool("users", TARGET_1, () -> 3, () -> 1);
        metrics.registerHealth("users", TARGET_1, () -> true);
        metrics.registerPool("users", TARGET_2, () -> 4, () -> 4);
        metrics.registerHealth("users", TARGET_2, () -> false);
        assertThat(Exposition.scrape(metrics).series("gateway_upstream_connections")).hasSize(4);

        metrics.unregisterUpstreamTarget("users", TARGET_1);
        metrics.unregisterUpstreamTarget("users", TARGET_1); // idempotent
        metrics.unregisterUpstreamTarget("nobody", TARGET_1);
        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.text).doesNotContain(TARGET_1);
        assertThat(scrape.series("gateway_upstream_connections")).containsExactly(
                "gateway_upstream_connections{state=\"idle\",target=\"http://127.0.0.1:9002\",upstream=\"users\"}",
                "gateway_upstream_connections{state=\"open\",target=\"http://127.0.0.1:9002\",upstream=\"users\"}");
        assertThat(scrape.value("gateway_upstream_target_healthy{target=\"http://127.0.0.1:9002\",upstream=\"users\"}")).isEqualTo(0.0);
        assertThat(registry.getNames()).noneMatch(name -> name.contains(TARGET_1));

        metrics.registerHealth("users", TARGET_1, () -> true); // comes back after a reload
        assertThat(Exposition.scrape(metrics).value(
                "gateway_upstream_target_healthy{target=\"http://127.0.0.1:9001\",upstream=\"users\"}")).isEqualTo(1.0);
    }

    @Test
    void aThrowingSupplierLeavesOnlyItsSeriesOut() {
        metrics.registerPool("users", TARGET_1, () -> {
            throw new IllegalStateException("pool closed");
        }, () -> 1);
        metrics.requestFinished("users", "GET", 200, MS, null, -1);

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.series("gateway_upstream_connections")).containsExactly(
                "gateway_upstream_connections{state=\"idle\",target=\"http://127.0.0.1:9001\",upstream=\"users\"}");
        assertThat(scrape.total("gateway_requests_total")).isEqualTo(1.0);
    }

    @Test
    void listenerRejectionsAreCountedByReason() {
        metrics.listenerRejected("header-timeout");
        metrics.listenerRejected("header-timeout");
        metrics.listenerRejected("too-many-connections");
        metrics.listenerRejected(null);

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.types).containsEntry("gateway_listener_rejected_total", "counter");
        assertThat(scrape.text).contains("gateway_listener_rejected_total{reason=\"header-timeout\"} 2.0\n");
        assertThat(scrape.value("gateway_listener_rejected_total{reason=\"too-many-connections\"}")).isEqualTo(1.0);
        assertThat(scrape.value("gateway_listener_rejected_total{reason=\"other\"}")).isEqualTo(1.0);
    }

    @Test
    void rejectionReasonsAreCapped() {
        for (int i = 0; i < 3 * GatewayMetrics.MAX_REASONS; i++) {
            metrics.listenerRejected("reason-" + i);
        }

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.series("gateway_listener_rejected_total")).hasSizeLessThanOrEqualTo(GatewayMetrics.MAX_REASONS + 1);
        assertThat(scrape.total("gateway_listener_rejected_total")).isEqualTo(3.0 * GatewayMetrics.MAX_REASONS);
    }

    @Test
    void accessLogDropsAreACounterReadAtScrapeTime() {
        AtomicLong dropped = new AtomicLong(7);
        metrics.registerAccessLogDropped(dropped::get);

        assertThat(Exposition.scrape(metrics).text)
                .contains("# TYPE gateway_access_log_dropped_total counter\n")
                .contains("gateway_access_log_dropped_total 7.0\n");
        dropped.set(9);
        assertThat(Exposition.scrape(metrics).value("gateway_access_log_dropped_total")).isEqualTo(9.0);

        metrics.registerAccessLogDropped(() -> 11);
        assertThat(Exposition.scrape(metrics).value("gateway_access_log_dropped_total")).isEqualTo(11.0);
    }

    @Test
    void jvmBasicsAreExported() {
        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.value("jvm_memory_used_bytes{area=\"heap\"}")).isPositive();
        assertThat(scrape.value("jvm_memory_used_bytes{area=\"nonheap\"}")).isPositive();
        assertThat(scrape.series("jvm_memory_pool_used_bytes")).isNotEmpty();
        assertThat(scrape.types).containsEntry("jvm_gc_collections_total", "counter")
                .containsEntry("jvm_gc_collection_seconds_total", "counter");
        assertThat(scrape.series("jvm_gc_collections_total")).isNotEmpty().allMatch(s -> s.contains("gc=\""));
        assertThat(scrape.value("jvm_threads_current")).isPositive();
        assertThat(scrape.value("jvm_threads_state{state=\"RUNNABLE\"}")).isPositive();
        assertThat(scrape.types).containsEntry("jvm_allocated_bytes_total", "counter");
        double allocated = scrape.value("jvm_allocated_bytes_total");
        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[16 * 1024];
        }
        assertThat(Exposition.scrape(metrics).value("jvm_allocated_bytes_total"))
                .as("allocated after %d KiB more (%s)", garbage.length * 16, garbage[garbage.length - 1].length)
                .isGreaterThanOrEqualTo(allocated + garbage.length * 16 * 1024);
        assertThat(scrape.samples.keySet()).filteredOn(key -> key.startsWith("jvm"))
                .allMatch(key -> key.startsWith("jvm_"));
    }

    @Test
    void everyLineIsValidExpositionSyntax() {
        metrics.requestFinished("users", "GET", 200, MS, "users", MS);
        metrics.requestFinished(null, "BREW", 405, MS, null, -1);
        metrics.registerPool("users", TARGET_1, () -> 1, () -> 1);
        metrics.registerHealth("users", TARGET_1, () -> true);
        metrics.listenerRejected("headers-too-large");
        metrics.registerAccessLogDropped(() -> 0);
        // A route id with characters that need escaping in a label value.
        metrics.requestFinished("we\"ird\\route", "GET", 200, MS, null, -1);

        Exposition scrape = Exposition.scrape(metrics); // parsing checks every line

        assertThat(scrape.text.lines()).allMatch(line -> Exposition.HELP.matcher(line).matches()
                || Exposition.TYPE.matcher(line).matches() || Exposition.SAMPLE.matcher(line).matches());
        assertThat(scrape.value("gateway_requests_total{method=\"GET\",route=\"we\\\"ird\\\\route\",status_class=\"2xx\"}")).isEqualTo(1.0);
        assertThat(metrics.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void metricsRegisteredByOthersAreExportedToo() {
        registry.counter("cache.hits").inc(2);
        registry.register("odd.gauge", (com.codahale.metrics.Gauge<String>) () -> "not a number");
        metrics.requestFinished("users", "GET", 200, MS, null, -1);

        Exposition scrape = Exposition.scrape(metrics);

        assertThat(scrape.value("cache_hits_total")).isEqualTo(2.0);
        assertThat(scrape.text).doesNotContain("odd_gauge");
        assertThat(scrape.total("gateway_requests_total")).isEqualTo(1.0);
    }

    @Test
    void theRegistryHoldsEverything() {
        metrics.requestFinished("users", "GET", 200, MS, "users", MS);

        assertThat(registry.getCounters()).containsKey("gateway.requests.users.GET.2xx");
        assertThat(registry.getTimers()).containsKeys("gateway.requests.users.duration", "gateway.upstream.users.duration");
        assertThat(registry.getGauges().keySet()).anyMatch(name -> name.startsWith("jvm.memory."));
    }

    @Test
    void concurrentRequestsAndScrapesAddUp() throws Exception {
        int threads = 4;
        int perThread = 20_000;
        String[] routes = {"users", "orders", null};
        String[] methods = {"GET", "POST", "BREW"};
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean done = new AtomicBoolean();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        metrics.requestFinished(routes[i % 3], methods[(i / 3) % 3], 200 + (i % 4) * 100, i, "up-" + (i % 2), i);
                        if (i % 1000 == 0) {
                            metrics.listenerRejected("malformed");
                        }
                    }
                    return null;
                }));
            }
            Future<Integer> scraper = pool.submit(() -> {
                start.await();
                int scrapes = 0;
                while (!done.get()) {
                    Exposition.scrape(metrics);
                    scrapes++;
                }
                return scrapes;
            });
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            assertThat(scraper.get(60, TimeUnit.SECONDS)).isPositive();
        } finally {
            pool.shutdownNow();
        }

        Exposition scrape = Exposition.scrape(metrics);
        double total = threads * perThread;
        assertThat(scrape.total("gateway_requests_total")).isEqualTo(total);
        assertThat(scrape.total("gateway_request_duration_seconds_count")).isEqualTo(total);
        assertThat(scrape.total("gateway_upstream_duration_seconds_count")).isEqualTo(total);
        assertThat(scrape.series("gateway_upstream_duration_seconds_count")).hasSize(2);
        // 3 routes x 3 methods (BREW counted as OTHER) x 4 status classes.
        assertThat(scrape.series("gateway_requests_total")).hasSize(36);
        assertThat(scrape.value("gateway_requests_total{method=\"OTHER\",route=\"orders\",status_class=\"5xx\"}"))
                .isPositive();
        assertThat(scrape.value("gateway_listener_rejected_total{reason=\"malformed\"}")).isEqualTo(threads * 20.0);
    }

    @Test
    void hotPathAllocatesNothingOnceSeriesExist() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM cannot measure per-thread allocation");
        long thread = Thread.currentThread().getId();
        PolicyMetrics policy = metrics.rateLimitPolicy("per-key");
        Runnable requests = () -> {
            for (int i = 0; i < 100_000; i++) {
                metrics.requestFinished("users", (i & 1) == 0 ? "GET" : "POST", 200, i, "users", i);
                metrics.requestFinished(null, "BREW", 404, i, null, -1);
                metrics.listenerRejected("header-timeout");
                policy.decided((i & 1) == 0, i * 10L);
            }
        };
        requests.run(); // first use creates the series

        long before = threads.getThreadAllocatedBytes(thread);
        requests.run();
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        // 400,000 calls; a single allocation per call would be several megabytes.
        assertThat(allocated).as("bytes allocated by 400k hot-path calls").isLessThan(64 * 1024);
    }
}
