package dev.gateway.chaos.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A loopback upstream whose health the test switches: every request answered 200, every request 503, or 503
 * only for requests that came through one named node (seen in the {@code Via} header the gateway adds, so one
 * node's "network path" can fail alone), optionally late. Counts the requests it got.
 */
public final class SwitchableUpstream implements AutoCloseable {
    static {
        // the JDK server writes head and body apart: without it, delayed ACKs cost 40 ms per answer
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final AtomicReference<String> failFor = new AtomicReference<>(null);
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicLong delayMillis = new AtomicLong();
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();

    private SwitchableUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            String mode = failFor.get();
            String via = exchange.getRequestHeaders().getFirst("Via");
            boolean fail = mode != null && (mode.equals("*") || (via != null && via.contains(" " + mode)));
            Runnable answer = () -> {
                try {
                    byte[] body = (fail ? "{\"error\":\"down\"}" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                } catch (IOException e) {
                    exchange.close(); // the caller went away (a hedge that lost)
                }
            };
            long delay = delayMillis.get();
            if (delay > 0) {
                delays.schedule(answer, delay, TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        });
        server.start();
    }

    public static SwitchableUpstream start() throws IOException {
        return new SwitchableUpstream();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Every request answered 200. */
    public void healthy() {
        failFor.set(null);
    }

    /** Every request answered 503. */
    public void failing() {
        failFor.set("*");
    }

    /** 503 for requests through {@code node} only (its {@code Via} entry), 200 for the others. */
    public void failingFor(String node) {
        failFor.set(node);
    }

    /** Every answer {@code millis} late (0: at once). */
    public void delay(long millis) {
        delayMillis.set(millis);
    }

    public int calls() {
        return calls.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        delays.shutdownNow();
    }
}
