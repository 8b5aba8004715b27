package dev.gateway.node.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Plain HTTP/1.1 calls to loopback ports with {@code java.net.http}, for tests that only need
 * well-formed requests: every call has a timeout, bodies come back as strings.
 */
public final class SimpleHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static URI uri(int port, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** {@code GET}, with optional header name/value pairs. */
    public HttpResponse<String> get(int port, String pathAndQuery, String... headers) {
        try {
            return client.send(request(port, pathAndQuery, headers), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery + " on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public CompletableFuture<HttpResponse<String>> getAsync(int port, String pathAndQuery, String... headers) {
        return client.sendAsync(request(port, pathAndQuery, headers), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(int port, String pathAndQuery, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(port, pathAndQuery)).timeout(TIMEOUT).GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder.build();
    }
}
