package dev.gateway.node.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.config.IntrospectionProvider;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls one RFC 7662 introspection endpoint: {@code POST} of {@code token=...} as a form, with the
 * gateway's client credentials in HTTP Basic (each part form-encoded first, RFC 6749 2.3.1).
 * Asynchronous; every call ends within the provider's {@code timeout}. Thread-safe.
 */
final class IntrospectionClient {
    /** What the endpoint said. {@code exp} and {@code nbf} in epoch seconds, null when absent. */
    record Answer(boolean active, String subject, Long exp, Long nbf) {
    }

    private final IntrospectionProvider config;
    private final HttpClient http;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final ObjectMapper json;
    private final String authorization;

    IntrospectionClient(IntrospectionProvider config, HttpClient http, Executor executor,
                        ScheduledExecutorService timer, ObjectMapper json) {
        this.config = config;
        this.http = http;
        this.executor = executor;
        this.timer = timer;
        this.json = json;
        String credentials = form(config.clientId()) + ":" + form(config.clientSecret());
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The endpoint's answer; fails with an {@link IOException} when the endpoint cannot be reached,
     * answers other than 200 with a JSON object, or does not answer within {@code timeout}.
     */
    CompletableFuture<Answer> introspect(String token) {
        HttpRequest request = HttpRequest.newBuilder(config.url())
                .timeout(config.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString("token=" + form(token) + "&token_type_hint=access_token"))
                .build();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        try {
            ScheduledFuture<?> deadline = timer.schedule(() -> answer.completeExceptionally(
                    new HttpTimeoutException("no answer within " + config.timeout().toMillis() + " ms")),
                    config.timeout().toNanos(), TimeUnit.NANOSECONDS);
            answer.whenComplete((a, f) -> deadline.cancel(false));
        } catch (RuntimeException e) { // the node is shutting down
            answer.completeExceptionally(e);
            return answer;
        }
        try {
            // sendAsync may resolve the host name on the calling thread: call it off the request thread.
            executor.execute(() -> {
                try {
                    http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) -> {
                        if (failure != null) {
                            answer.completeExceptionally(failure);
                            return;
                        }
                        try {
                            answer.complete(parse(response));
                        } catch (IOException | RuntimeException e) {
                            answer.completeExceptionally(e);
                        }
                    });
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) { // executor rejected the task
            answer.completeExceptionally(e);
        }
        return answer;
    }

    private Answer parse(HttpResponse<byte[]> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException("introspection endpoint answered " + response.statusCode());
        }
        JsonNode body = json.readTree(response.body());
        if (body == null || !body.isObject()) {
            throw new IOException("introspection endpoint answered no JSON object");
        }
        boolean active = body.path("active").isBoolean() && body.path("active").booleanValue();
        String subject = text(body, "sub");
        if (subject == null) {
            subject = text(body, "client_id");
        }
        return new Answer(active, subject, seconds(body, "exp"), seconds(body, "nbf"));
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isTextual() && !n.textValue().isEmpty() ? n.textValue() : null;
    }

    private static Long seconds(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isNumber() ? n.longValue() : null;
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
