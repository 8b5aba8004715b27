package dev.gateway.node.server;

import dev.gateway.node.admin.AdminToken;
import dev.gateway.node.admin.Health;
import dev.gateway.node.admin.MetricsEndpoint;
import dev.gateway.node.admin.AdminApi;
import dev.gateway.node.admin.AdminReply;
import dev.gateway.node.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The admin listener: health (open), metrics (open), and {@code /admin/*} views behind the
 * admin bearer token. Runs on the admin listener's own worker threads, never on the proxy's.
 */
final class AdminHttpHandler extends HttpHandler {
    private final Health health;
    private final AdminToken token;
    private final AdminApi api;
    private final MetricsEndpoint metrics;

    AdminHttpHandler(Health health, AdminToken token, AdminApi api, MetricsEndpoint metrics) {
        this.health = health;
        this.token = token;
        this.api = api;
        this.metrics = metrics;
    }

    @Override
    public void service(Request request, Response response) throws IOException {
        String path = request.getRequestURI();
        String method = request.getMethod().getMethodString();
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.startsWith("/admin/") && !token.allows(request.getHeader("Authorization"))) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"gateway-admin\"");
            error(response, 401, "admin token required");
            return;
        }
        if (!read && (path.startsWith("/health/") || path.equals("/metrics") || api.knows(path))) {
            response.setHeader("Allow", "GET, HEAD");
            error(response, 405, "method " + method + " not allowed here");
            return;
        }
        switch (path) {
            case "/health/live" -> respond(response, 200, "{\"status\":\"live\"}");
            case "/health/ready" -> {
                String reason = health.notReadyReason();
                if (reason == null) {
                    respond(response, 200, "{\"status\":\"ready\"}");
                } else {
                    respond(response, 503, "{\"status\":\"not ready\",\"reason\":" + Json.quote(reason) + "}");
                }
            }
            case "/metrics" -> {
                response.setStatus(200);
                response.setContentType(metrics.contentType());
                response.setHeader("Cache-Control", "no-store");
                metrics.write(response.getOutputStream());
            }
            default -> {
                AdminReply reply = api.get(path);
                respond(response, reply.status(), reply.json());
            }
        }
    }

    private static void error(Response response, int status, String message) throws IOException {
        AdminReply reply = AdminReply.error(status, message);
        respond(response, reply.status(), reply.json());
    }

    private static void respond(Response response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
