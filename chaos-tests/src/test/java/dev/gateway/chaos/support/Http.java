package dev.gateway.chaos.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP/1.1 client for the tests: requests with a per-request timeout, answers reduced to status,
 * first value of each header (names lower-cased), body and latency. A request that fails or times out is a
 * {@link Reply} with status -1 and the error, never an exception, so a load loop can count it. Thread-safe.
 */
public final class Http implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chaos-http");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(executor)
            .build();

    /** One answer; {@code status} -1 when none came ({@code error} says why). */
    public record Reply(int status, Map<String, String> headers, String body, long nanos, String error) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public long millis() {
            return nanos / 1_000_000;
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status == -1 ? "no answer after " + millis() + " ms: " + error
                    : status + " in " + millis() + " ms " + headers + " " + body;
        }
    }

    public Reply get(int port, String pathAndQuery, Map<String, String> headers, Duration timeout) {
        return send("GET", port, pathAndQuery, headers, null, timeout);
    }

    /** Any method; {@code body} null for none. */
    public Reply send(String method, int port, String pathAndQuery, Map<String, String> headers, String body,
                      Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(timeout).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> first = new TreeMap<>();
            response.headers().map().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    first.put(name.toLowerCase(Locale.ROOT), values.get(0));
                }
            });
            return new Reply(response.statusCode(), first, response.body(), System.nanoTime() - start, null);
        } catch (IOException e) {
            return new Reply(-1, Map.of(), "", System.nanoTime() - start, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, Map.of(), "", System.nanoTime() - start, "interrupted");
        }
    }

    public Reply get(int port, String pathAndQuery) {
        return get(port, pathAndQuery, Map.of(), Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
