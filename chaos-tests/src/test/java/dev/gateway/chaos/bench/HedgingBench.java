package dev.gateway.chaos.bench;

import dev.gateway.chaos.support.GatewayJar;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.chaos.support.SwitchableUpstream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Benchmark, not a test (run with {@code bench/hedging.sh}): one node process, two targets of which one answers
 * {@code bench.slowMillis} late (default 200 ms). The same targets behind two upstreams, one with
 * {@code hedging: {after: 20ms}}; {@code bench.requests} requests per route from {@code bench.clients} client
 * threads; prints p50, p90, p99 and max of each and what the hedges cost the upstreams. Asserts nothing about time.
 */
class HedgingBench {
    private static final int REQUESTS = Integer.getInteger("bench.requests", 2000);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
    private static final long SLOW_MILLIS = Long.getLong("bench.slowMillis", 200);

    @Test
    @Timeout(value = 900)
    void hedgingAgainstASlowTarget() throws Exception {
        try (SwitchableUpstream fast = SwitchableUpstream.start();
             SwitchableUpstream slow = SwitchableUpstream.start();
             Http http = new Http()) {
            slow.delay(SLOW_MILLIS);
            String targets = "[{url: http://127.0.0.1:%d}, {url: http://127.0.0.1:%d}]".formatted(fast.port(), slow.port());
            try (Gateways gateways = Gateways.start("HedgingBench", 1, 1, """
                    upstreams:
                      plain: {targets: %s}
                      hedged:
                        targets: %s
                        hedging: {after: 20ms, max-extra: 1}
                        retries: {attempts: 0, budget: 100%%}
                    routes:
                      - {id: plain, match: {path: /plain}, upstream: plain}
                      - {id: hedged, match: {path: /hedged}, upstream: hedged}
                    """.formatted(targets, targets))) {
                GatewayProcess node = gateways.node(0);
                gateways.awaitFormed(http, gateways.nodes(), Gateways.STARTUP);
                run(http, node, "/plain", 200); // warm-up
                run(http, node, "/hedged", 200);
                int before = fast.calls() + slow.calls();
                long[] plain = run(http, node, "/plain", REQUESTS);
                int plainCalls = fast.calls() + slow.calls() - before;
                before = fast.calls() + slow.calls();
                long[] hedged = run(http, node, "/hedged", REQUESTS);
                int hedgedCalls = fast.calls() + slow.calls() - before;
                StringBuilder sb = new StringBuilder("# Hedging benchmark, " + Instant.now() + "\n\n");
                sb.append(String.format(Locale.ROOT, "One node process, two targets, one %d ms late; %d requests per"
                        + " route from %d client threads, %d CPUs.%n%n", SLOW_MILLIS, REQUESTS, CLIENTS,
                        Runtime.getRuntime().availableProcessors()));
                sb.append("| route | p50 ms | p90 ms | p99 ms | max ms | upstream calls per request |\n");
                sb.append("|---|---:|---:|---:|---:|---:|\n");
                row(sb, "no hedging", plain, plainCalls);
                row(sb, "hedging after 20ms", hedged, hedgedCalls);
                System.out.println(sb);
                Files.writeString(GatewayJar.moduleDir().resolve("target/hedging-bench.md"), sb.toString());
            }
        }
    }

    private static long[] run(Http http, GatewayProcess node, String path, int requests) throws Exception {
        long[] micros = new long[requests];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            pool.execute(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests) {
                    Http.Reply reply = http.get(node.proxyPort(), path);
                    if (reply.status() != 200) {
                        throw new AssertionError(path + ": " + reply);
                    }
                    micros[i] = reply.nanos() / 1000;
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(600, TimeUnit.SECONDS)) {
            throw new AssertionError("requests did not finish");
        }
        return micros;
    }

    private static void row(StringBuilder sb, String name, long[] micros, int calls) {
        long[] s = micros.clone();
        Arrays.sort(s);
        sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2f |%n", name, p(s, 50), p(s, 90),
                p(s, 99), s[s.length - 1] / 1000.0, calls / (double) s.length));
    }

    private static double p(long[] sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1000.0;
    }
}
