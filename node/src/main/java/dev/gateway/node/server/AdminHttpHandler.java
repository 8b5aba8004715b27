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
    /** Largest config body the admin API reads. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
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
        if (path.startsWith("/health/") || path.equals("/metrics")) {
            if (!read) {
                response.setHeader("Allow", "GET, HEAD");
                error(response, 405, "method " + method + " not allowed here");
                return;
            }
        } else if (path.startsWith("/admin/")) {
            String allowed = api.allowed(path);
            if (allowed != null && !allowed.contains(method)) {
                response.setHeader("Allow", allowed);
                error(response, 405, "method " + method + " not allowed here");
                return;
            }
            if (allowed != null && api.changes(method)) {
                write(request, response, method, path);
                return;
            }
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
            default -> respond(response, api.get(path, request.getQueryString()));
        }
    }

    /** A PUT or POST: only with a configured token, and a body of at most {@link #MAX_BODY_BYTES}. */
    private void write(Request request, Response response, String method, String path) throws IOException {
        if (!token.configured()) {
            error(response, 403, "changes over the admin API need node.admin.token to be set");
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            error(response, 413, "body larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            error(response, 413, "body larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        respond(response, api.write(method, path, request.getQueryString(), body));
    }

    private static void error(Response response, int status, String message) throws IOException {
        AdminReply reply = AdminReply.error(status, message);
        respond(response, reply.status(), reply.json());
    }

    private static void respond(Response response, AdminReply reply) throws IOException {
        respond(response, reply.status(), reply.json(), reply.contentType());
    }

    private static void respond(Response response, int status, String json) throws IOException {
        respond(response, status, json, "application/json");
    }

    private static void respond(Response response, int status, String json, String contentType) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", "no-store");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
