package dev.gateway.node.compression;

import dev.gateway.config.CompressionConfig;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.pipeline.Interceptor;
import java.util.concurrent.CompletionStage;

/**
 * A route's {@code compression:}: gzips responses as they stream (see {@link GzipBody}) when
 * the client accepts gzip ({@link AcceptEncoding}), the response's Content-Type is one of
 * {@code types} ({@link MediaTypes}), and its length is unknown or at least {@code min-bytes}.
 * A compressed response loses its Content-Length and Accept-Ranges (both describe the
 * uncompressed bytes), gets {@code Content-Encoding: gzip}, and a strong ETag becomes weak.
 *
 * <p>Never compressed: HEAD requests; statuses below 200, 204, 206 and 304; empty bodies;
 * responses that already have a Content-Encoding or a Content-Range; and
 * {@code Cache-Control: no-transform}. A response that would be compressed for a client that
 * accepts gzip carries {@code Vary: Accept-Encoding} for every client, so caches keep the two
 * variants apart. Request bodies, {@code Content-Encoding: gzip} or not, pass untouched.
 *
 * <p>Sits just inside the response-headers link, so the route's {@code response.set-headers}
 * and {@code remove-headers} apply to what this link produced; the gateway's own error
 * responses (small JSON) are not compressed. Stateless.
 */
public final class CompressionInterceptor implements Interceptor {
    private final MediaTypes types;
    private final int minBytes;

    public CompressionInterceptor(CompressionConfig config) {
        this.types = new MediaTypes(config.types());
        this.minBytes = config.minBytes();
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        if (request.method().equals("HEAD")) {
            return chain.proceed(request);
        }
        boolean gzip = AcceptEncoding.acceptsGzip(request.headers());
        return chain.proceed(request).thenApply(response -> apply(response, gzip));
    }

    GatewayResponse apply(GatewayResponse response, boolean gzip) {
        if (!compressible(response)) {
            return response;
        }
        Headers headers = response.headers().copy();
        addVary(headers);
        if (!gzip) {
            return response.withHeaders(headers);
        }
        headers.remove("Content-Length");
        headers.remove("Accept-Ranges");
        headers.set("Content-Encoding", "gzip");
        String etag = headers.get("ETag");
        if (etag != null && etag.startsWith("\"")) {
            headers.set("ETag", "W/" + etag);
        }
        return new GatewayResponse(response.status(), headers, new GzipBody(response.body()));
    }

    private boolean compressible(GatewayResponse response) {
        int status = response.status();
        if (status < 200 || status == 204 || status == 206 || status == 304) {
            return false;
        }
        long length = response.body().length();
        if (length == 0 || (length > 0 && length < minBytes)) {
            return false;
        }
        Headers headers = response.headers();
        String encoding = headers.get("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            return false;
        }
        if (headers.contains("Content-Range") || noTransform(headers)) {
            return false;
        }
        return types.matches(headers.get("Content-Type"));
    }

    private static boolean noTransform(Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            if (headers.name(i).equalsIgnoreCase("Cache-Control") && hasToken(headers.value(i), "no-transform")) {
                return true;
            }
        }
        return false;
    }

    private static void addVary(Headers headers) {
        StringBuilder joined = null;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.name(i).equalsIgnoreCase("Vary")) {
                String value = headers.value(i);
                if (hasToken(value, "*") || hasToken(value, "Accept-Encoding")) {
                    return;
                }
                joined = joined == null ? new StringBuilder(value.trim()) : joined.append(", ").append(value.trim());
            }
        }
        headers.set("Vary", joined == null || joined.length() == 0 ? "Accept-Encoding" : joined + ", Accept-Encoding");
    }

    /** Whether the comma-separated {@code list} has {@code token} (case-insensitive), alone or with a parameter. */
    private static boolean hasToken(String list, String token) {
        for (String element : list.split(",")) {
            String e = element.trim();
            int end = e.indexOf('=');
            if ((end < 0 ? e : e.substring(0, end).trim()).equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "compression";
    }
}
