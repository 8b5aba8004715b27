package dev.gateway.node.resilience;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A loopback upstream answering every request with a status (and an optional delay) the test sets; counts calls. */
final class ScriptedUpstream implements AutoCloseable {
    static {
        // without it the JDK server's separate header and body writes meet delayed ACKs: 40 ms per answer
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicLong delayMillis = new AtomicLong();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();

    private ScriptedUpstream(String name) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            if (exchange.getRequestMethod().equals("POST")) {
                posts.incrementAndGet();
            }
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            long delay = delayMillis.get();
            Runnable answer = () -> {
                try {
                    byte[] body = ("{\"upstream\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.getResponseHeaders().add("X-Upstream", name);
                    exchange.sendResponseHeaders(status.get(), body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                } catch (IOException e) {
                    exchange.close(); // the gateway gave up on this call (a hedge that lost)
                }
            };
            if (delay > 0) {
                delays.schedule(answer, delay, TimeUnit.MILLISECONDS); // scripted slowness, off the server's threads
            } else {
                answer.run();
            }
        });
        server.start();
    }

    static ScriptedUpstream start(String name) throws IOException {
        return new ScriptedUpstream(name);
    }

    int port() {
        return server.getAddress().getPort();
    }

    ScriptedUpstream answer(int code) {
        status.set(code);
        return this;
    }

    ScriptedUpstream delay(long millis) {
        delayMillis.set(millis);
        return this;
    }

    int calls() {
        return calls.get();
    }

    int posts() {
        return posts.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        delays.shutdownNow();
    }
}
