package dev.gateway.node.server;

import dev.gateway.node.admin.AdminToken;
import dev.gateway.node.admin.Health;
import dev.gateway.node.admin.MetricsEndpoint;
import dev.gateway.node.admin.AdminApi;
import dev.gateway.node.admin.AdminReply;
import dev.gateway.node.admin.ConsoleFiles;
import dev.gateway.node.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * The admin listener: health (open), metrics (open), and {@code /admin/*} views behind the
 * admin bearer token. Health answers on the admin listener's own worker threads, never on the proxy's; every
 * other call may wait for the cluster and runs on {@link AdminCalls}, so that a balancer's health check is
 * never queued behind one (a request body, bounded by {@link #MAX_BODY_BYTES}, is read before the hand-over).
 * The web console's static files ({@code /console/}, {@link ConsoleFiles}) are open (the data they show needs the
 * token) and answered on the listener's workers too: they are read from the jar once and never wait for the cluster.
 */
final class AdminHttpHandler extends HttpHandler {
    /** Largest config body the admin API reads. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private final Health health;
    private final AdminToken token;
    private final AdminApi api;
    private final MetricsEndpoint metrics;
    private final AdminCalls calls;
    private final ConsoleFiles console = new ConsoleFiles();

    AdminHttpHandler(Health health, AdminToken token, AdminApi api, MetricsEndpoint metrics, AdminCalls calls) {
        this.calls = calls;
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
        if (path.equals("/console") || path.startsWith(ConsoleFiles.PREFIX)) {
            console(response, path, method, read);
            return;
        }
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
            case "/metrics" -> dispatch(response, () -> {
                String accept = request.getHeader("Accept"); // OpenMetrics (exemplars) when the scrape asks for it
                response.setStatus(200);
                response.setContentType(metrics.contentType(accept));
                response.setHeader("Cache-Control", "no-store");
                response.setHeader("Vary", "Accept");
                metrics.write(accept, response.getOutputStream());
            });
            default -> {
                String query = request.getQueryString();
                dispatch(response, () -> respond(response, api.get(path, query)));
            }
        }
    }

    /** A console file, or its 301, 404 or 405; every answer with the console's security headers. */
    private void console(Response response, String path, String method, boolean read) throws IOException {
        response.setHeader("Content-Security-Policy", ConsoleFiles.policyFor(path));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (!read) {
            response.setHeader("Allow", "GET, HEAD");
            error(response, 405, "method " + method + " not allowed here");
            return;
        }
        if (path.equals("/console")) {
            response.setStatus(301);
            response.setHeader("Location", ConsoleFiles.PREFIX);
            response.setContentLength(0);
            return;
        }
        ConsoleFiles.File file = console.find(path);
        if (file == null) {
            error(response, 404, "no console file " + path);
            return;
        }
        response.setStatus(200);
        response.setContentType(file.contentType());
        response.setHeader("Cache-Control", "no-cache");
        response.setContentLength(file.bytes().length);
        response.getOutputStream().write(file.bytes());
    }

    /** What a call answers, run on an {@link AdminCalls} thread. */
    private interface Answer {
        void write() throws IOException;
    }

    /** Suspends the response and answers it on an admin-call thread; 503 at once when they are all taken. */
    private void dispatch(Response response, Answer answer) throws IOException {
        response.suspend();
        if (calls.submit(() -> answerThenResume(response, answer))) {
            return;
        }
        try {
            response.setHeader("Retry-After", "1");
            error(response, 503, "admin API busy: " + AdminCalls.THREADS + " calls running and "
                    + AdminCalls.WAITING + " waiting");
        } finally {
            response.resume();
        }
    }

    private static void answerThenResume(Response response, Answer answer) {
        try {
            answer.write();
        } catch (IOException e) {
            // the client went away; nothing to answer
        } catch (RuntimeException e) {
            if (!response.isCommitted()) {
                try {
                    response.reset();
                    error(response, 500, "admin call failed (" + e.getClass().getSimpleName() + ")");
                } catch (IOException | RuntimeException ignored) {
                    // the connection is gone or the answer half written: resume closes it
                }
            }
        } finally {
            response.resume();
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
        String query = request.getQueryString();
        // the admin token is one shared secret: who sent a write is as much as "its holder, from this address"
        String caller = "admin token from " + request.getRemoteAddr();
        dispatch(response, () -> respond(response, api.write(method, path, query, body, caller)));
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
