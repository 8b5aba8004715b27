package dev.gateway.node.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An RFC 7662 endpoint on a loopback port. Answers each token with the JSON set for it
 * ({@code {"active":false}} for unknown tokens); the token {@code slow} is answered only after
 * {@link #close()} (or 10 s), the token {@code error} with 500. Records every call.
 */
final class FakeIntrospectionServer implements AutoCloseable {
    /** One call as received. */
    record Call(String authorization, String contentType, String body, String token) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-introspection");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private FakeIntrospectionServer(HttpServer server) {
        this.server = server;
    }

    static FakeIntrospectionServer start() throws IOException {
        FakeIntrospectionServer fake = new FakeIntrospectionServer(
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50));
        fake.server.createContext("/introspect", fake::handle);
        fake.server.setExecutor(fake.threads);
        fake.server.start();
        return fake;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/introspect");
    }

    void answer(String token, String json) {
        answers.put(token, json);
    }

    int hits(String token) {
        AtomicInteger n = hits.get(token);
        return n == null ? 0 : n.get();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String token = null;
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("token")) {
                token = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        calls.add(new Call(exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Content-Type"), body, token));
        hits.computeIfAbsent(String.valueOf(token), t -> new AtomicInteger()).incrementAndGet();
        if ("slow".equals(token)) {
            try {
                closing.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = "error".equals(token) ? 500 : 200;
        byte[] json = answers.getOrDefault(String.valueOf(token), "{\"active\":false}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        } catch (IOException e) {
            // the gateway gave up waiting: fine
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
