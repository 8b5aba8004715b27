package dev.gateway.node.http;

import java.util.Objects;

/** An HTTP response travelling back through the pipeline; same copy rules as {@link GatewayRequest}. */
public record GatewayResponse(int status, Headers headers, Body body) {

    public GatewayResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    public GatewayResponse withHeaders(Headers newHeaders) {
        return new GatewayResponse(status, newHeaders, body);
    }
}
