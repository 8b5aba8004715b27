package dev.gateway.node.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A JWKS endpoint on a loopback port: serves a settable document per path, counts the fetches of each path. */
final class FakeJwksServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-jwks");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    private FakeJwksServer(HttpServer server) {
        this.server = server;
    }

    static FakeJwksServer start() throws IOException {
        FakeJwksServer fake = new FakeJwksServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50));
        fake.server.createContext("/", fake::handle);
        fake.server.setExecutor(fake.threads);
        fake.server.start();
        return fake;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Serves {@code json} at {@code path} with 200 from now on. */
    void serve(String path, String json) {
        documents.put(path, json);
        statuses.remove(path);
    }

    /** Answers {@code path} with {@code status} and an empty body from now on. */
    void fail(String path, int status) {
        statuses.put(path, status);
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Integer status = statuses.get(path);
        String doc = documents.get(path);
        byte[] body = status == null && doc != null ? doc.getBytes(StandardCharsets.UTF_8) : new byte[0];
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status != null ? status : doc != null ? 200 : 404, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
