package dev.gateway.node.http;

import java.util.Objects;

/**
 * An HTTP request on its way through the pipeline. Immutable in its fields: an interceptor that
 * changes something passes a copy made with one of the {@code with} methods; {@link #headers()}
 * is the request's own multimap, so change a {@link Headers#copy()} and pass it with
 * {@link #withHeaders}.
 *
 * @param path  the normalized path (see {@code routing.PathNormalizer}): routed and forwarded alike
 * @param query the raw query string without {@code ?}, or null
 */
public record GatewayRequest(Exchange exchange, String method, String path, String query,
                             Headers headers, Body body) {

    public GatewayRequest {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    public GatewayRequest withPath(String newPath) {
        return new GatewayRequest(exchange, method, newPath, query, headers, body);
    }

    public GatewayRequest withHeaders(Headers newHeaders) {
        return new GatewayRequest(exchange, method, path, query, newHeaders, body);
    }

    public GatewayRequest withBody(Body newBody) {
        return new GatewayRequest(exchange, method, path, query, headers, newBody);
    }

    /** Path and query as they go on a request line. */
    public String pathAndQuery() {
        return query == null ? path : path + '?' + query;
    }
}
