package dev.gateway.node.aggregate;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A loopback part upstream: answers JSON naming itself and the request target, with a status and delay. */
final class PartUpstream implements AutoCloseable {
    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor();
    private volatile String lastTraceparent;

    PartUpstream(String name, int status, long delayMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            String consumer = exchange.getRequestHeaders().getFirst("X-Consumer-Id");
            lastTraceparent = exchange.getRequestHeaders().getFirst("traceparent");
            byte[] body = ("{\"service\":\"" + name + "\",\"target\":\"" + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())
                    + "\",\"consumer\":\"" + consumer + "\"}").getBytes(StandardCharsets.UTF_8);
            Runnable answer = () -> {
                try {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(status, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                } catch (IOException e) {
                    exchange.close(); // the gateway stopped waiting
                }
            };
            if (delayMillis > 0) {
                delays.schedule(answer, delayMillis, TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        });
        server.start();
    }

    /** The {@code traceparent} of the last request received. */
    String lastTraceparent() {
        return lastTraceparent;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        delays.shutdownNow();
    }
}
