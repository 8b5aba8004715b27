package dev.gateway.node.upstream;

import dev.gateway.node.http.GatewayException;

/**
 * A 502 (connect failed) or 504 (connect timed out) raised before anything of the request reached the upstream:
 * always safe to retry on another target, whatever the method and body.
 */
public final class UpstreamConnectException extends GatewayException {
    public UpstreamConnectException(int status, String message, Throwable cause) {
        super(status, message, cause);
    }
}
