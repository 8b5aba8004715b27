package dev.gateway.node.server;

import dev.gateway.node.admin.Health;
import dev.gateway.node.http.Json;
import java.io.IOException;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** The admin listener: health endpoints now; config, metrics and cluster views as they land. */
final class AdminHttpHandler extends HttpHandler {
    private final Health health;

    AdminHttpHandler(Health health) {
        this.health = health;
    }

    @Override
    public void service(Request request, Response response) throws IOException {
        String path = request.getRequestURI();
        boolean get = request.getMethod().getMethodString().equals("GET")
                || request.getMethod().getMethodString().equals("HEAD");
        switch (path) {
            case "/health/live" -> respond(response, get, 200, "{\"status\":\"live\"}");
            case "/health/ready" -> {
                String reason = health.notReadyReason();
                if (reason == null) {
                    respond(response, get, 200, "{\"status\":\"ready\"}");
                } else {
                    respond(response, get, 503, "{\"status\":\"not ready\",\"reason\":" + Json.quote(reason) + "}");
                }
            }
            default -> respond(response, true, 404,
                    "{\"error\":" + Json.quote("no admin endpoint " + path) + ",\"status\":404,\"request_id\":\"\"}");
        }
    }

    private static void respond(Response response, boolean methodAllowed, int status, String json) throws IOException {
        if (!methodAllowed) {
            response.setHeader("Allow", "GET, HEAD");
            status = 405;
            json = "{\"error\":\"method not allowed\",\"status\":405,\"request_id\":\"\"}";
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
