package dev.gateway.node.member;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gateway.cluster.DataMember;
import dev.gateway.config.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A dedicated member's health endpoint, for Kubernetes probes: {@code GET /health/live} answers 200 while the
 * process runs; {@code GET /health/ready} 200 while the member is joined and sees at least {@code cluster.min-size}
 * members, else 503 with the reason. Both carry a small JSON body with the members and connected clients. The JDK's
 * HTTP server on one thread: a probe every few seconds, nothing more. Everything else is 404.
 */
final class MemberHealth implements AutoCloseable {
    private final HttpServer server;

    private MemberHealth(HttpServer server) {
        this.server = server;
    }

    /** @throws IOException when {@code listen} cannot be bound */
    static MemberHealth start(HostPort listen, DataMember member) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
        server.createContext("/health/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    answer(exchange, 405, "{\"error\":\"method not allowed\"}");
                } else if (path.equals("/health/live")) {
                    answer(exchange, 200, body("live", null, member));
                } else if (path.equals("/health/ready")) {
                    String reason = member.notReadyReason();
                    answer(exchange, reason == null ? 200 : 503, body(reason == null ? "ready" : "not ready", reason, member));
                } else {
                    answer(exchange, 404, "{\"error\":\"not found\"}");
                }
            }
        });
        server.start();
        return new MemberHealth(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static String body(String status, String reason, DataMember member) {
        StringBuilder out = new StringBuilder("{\"status\":\"").append(status).append('"');
        if (reason != null) {
            out.append(",\"reason\":\"").append(reason.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.append(",\"members\":").append(member.members().size())
                .append(",\"clients\":").append(member.connectedClients())
                .append(",\"local_partitions_safe\":").append(member.localPartitionsSafe())
                .append('}').toString();
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
