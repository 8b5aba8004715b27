package dev.gateway.node.cache;

import com.sun.net.httpserver.HttpExchange;
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

/**
 * A loopback upstream whose answers carry the caching headers a test needs, chosen by path: {@code /plain},
 * {@code /nostore}, {@code /private}, {@code /maxage1}, {@code /cookie}, {@code /vary} (on Accept-Language),
 * {@code /error} (500). Every body names the call number, so a cached answer is told from a fresh one.
 */
final class CachingUpstream implements AutoCloseable {
    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final AtomicInteger calls = new AtomicInteger();

    CachingUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::answer);
        server.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        int n = calls.incrementAndGet();
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        var h = exchange.getResponseHeaders();
        h.add("Content-Type", "application/json");
        int status = 200;
        switch (path) {
            case "/nostore" -> h.add("Cache-Control", "no-store");
            case "/private" -> h.add("Cache-Control", "private, max-age=60");
            case "/maxage1" -> h.add("Cache-Control", "max-age=1");
            case "/cookie" -> h.add("Set-Cookie", "session=abc");
            case "/vary" -> h.add("Vary", "Accept-Language");
            case "/error" -> status = 500;
            default -> {
            }
        }
        String language = exchange.getRequestHeaders().getFirst("Accept-Language");
        byte[] body = ("{\"call\":" + n + ",\"path\":\"" + path + "\",\"lang\":\"" + language + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!exchange.getRequestMethod().equals("HEAD")) {
                out.write(body);
            }
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    int calls() {
        return calls.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
