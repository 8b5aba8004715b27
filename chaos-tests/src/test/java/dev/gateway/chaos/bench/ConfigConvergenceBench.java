package dev.gateway.chaos.bench;

import dev.gateway.chaos.support.GatewayJar;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Gateways;
import dev.gateway.chaos.support.Http;
import dev.gateway.node.server.demo.DemoUpstream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Benchmark, not a test (surefire's default includes skip {@code *Bench}; run it with {@code bench/config-sync.sh}):
 * three node processes on loopback; 50 publishes of a new shared config, round-robin over the nodes, each timed
 * from the PUT's answer until every node's proxy serves the new version (polled every ~2 ms); then 20 publishes
 * 200 ms apart while client threads keep requests going through all three proxies, counting every answer that
 * is not 200.
 * Writes {@code target/config-bench.md}. It asserts nothing about time: the figures are for the reader.
 */
class ConfigConvergenceBench {
    private static final int PUBLISHES = Integer.getInteger("bench.publishes", 50);
    private static final int PUBLISHES_UNDER_LOAD = Integer.getInteger("bench.publishesUnderLoad", 20);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 4);
    private static final Duration GIVE_UP = Duration.ofSeconds(30);

    @Test
    @Timeout(value = 900)
    void convergenceAfterPublishAndErrorsUnderLoad() throws Exception {
        try (DemoUpstream upstream = DemoUpstream.start("127.0.0.1", 0, "up");
             Http http = new Http();
             Gateways gateways = Gateways.start("ConfigConvergenceBench", 3, 2, withoutObservability(shared(0, 0)))) {
            gateways.awaitFormed(http, gateways.nodes(), Gateways.STARTUP);
            // the file names port 0; the first publish points the route at the real upstream
            publishAndWait(http, gateways, 0, upstream.port(), 0);
            List<GatewayProcess> nodes = gateways.nodes();
            for (int i = 1; i <= 5; i++) { // warm-up: JIT of the compile path on every node
                publishAndWait(http, gateways, i % 3, upstream.port(), i);
            }
            long[] millis = new long[PUBLISHES];
            for (int i = 0; i < PUBLISHES; i++) {
                millis[i] = publishAndWait(http, gateways, i % 3, upstream.port(), 100 + i);
            }

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            AtomicLong bad = new AtomicLong();
            List<String> badSamples = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                load.execute(() -> {
                    int n = client;
                    while (running.get()) {
                        GatewayProcess node = nodes.get(n++ % nodes.size());
                        Http.Reply reply = http.get(node.proxyPort(), "/v");
                        if (reply.status() == 200) {
                            ok.incrementAndGet();
                        } else {
                            bad.incrementAndGet();
                            if (badSamples.size() < 5) {
                                badSamples.add(node.name() + ": " + reply);
                            }
                        }
                    }
                });
            }
            long[] underLoad = new long[PUBLISHES_UNDER_LOAD];
            for (int i = 0; i < PUBLISHES_UNDER_LOAD; i++) {
                underLoad[i] = publishAndWait(http, gateways, i % 3, upstream.port(), 1000 + i);
                // spread the publishes over several seconds of load (a benchmark's pacing, not a wait)
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            running.set(false);
            load.shutdown();
            load.awaitTermination(30, TimeUnit.SECONDS);

            String report = report(millis, underLoad, ok.get(), bad.get(), badSamples);
            System.out.println(report);
            Path out = GatewayJar.moduleDir().resolve("target/config-bench.md");
            Files.writeString(out, report);
        }
    }

    /** PUTs version {@code marker} through node {@code via}; returns ms until every node serves it. */
    private static long publishAndWait(Http http, Gateways gateways, int via, int upstreamPort, int marker)
            throws IOException {
        Http.Reply put = gateways.node(via).putConfig(http, shared(upstreamPort, marker));
        if (put.status() != 200) {
            throw new AssertionError("publish " + marker + " via " + gateways.node(via).name() + ": " + put);
        }
        long start = System.nanoTime();
        long deadline = start + GIVE_UP.toNanos();
        List<GatewayProcess> waiting = new ArrayList<>(gateways.nodes());
        while (!waiting.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("publish " + marker + ": not served by " + waiting + " after " + GIVE_UP);
            }
            waiting.removeIf(n -> String.valueOf(marker).equals(http.get(n.proxyPort(), "/v").header("X-Config")));
            if (!waiting.isEmpty()) {
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** The file's shared part: {@link Gateways} writes the observability section itself. */
    private static String withoutObservability(String shared) {
        return shared.replace("observability:\n  access-log: {format: off}\n", "");
    }

    private static String shared(int upstreamPort, int marker) {
        return """
                observability:
                  access-log: {format: off}
                upstreams:
                  up:
                    targets:
                      - {url: http://127.0.0.1:%d}
                routes:
                  - id: v
                    match: {path: /v}
                    upstream: up
                    response: {set-headers: {X-Config: "%d"}}
                """.formatted(upstreamPort == 0 ? 9 : upstreamPort, marker);
    }

    private static String report(long[] idle, long[] loaded, long ok, long bad, List<String> badSamples) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Config convergence benchmark, ").append(Instant.now()).append("\n\n");
        sb.append("3 node processes on 127.0.0.1, ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs; time from PUT /admin/config answering until every node's proxy serves the version.\n\n");
        sb.append("| run | publishes | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
        row(sb, "idle", idle);
        row(sb, "under load (" + CLIENTS + " clients)", loaded);
        sb.append("\nRequests during the publishes under load: ").append(ok).append(" answered 200, ")
                .append(bad).append(" not.\n");
        badSamples.forEach(s -> sb.append("- ").append(s).append('\n'));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d |%n", name, sorted.length,
                percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]));
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
