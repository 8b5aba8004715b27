package dev.gateway.node.resilience;

import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.upstream.UpstreamConnectException;
import java.util.concurrent.CompletionException;

/**
 * How one call to an upstream ended, as retries and breakers judge it: a response (its status), a connect
 * failure (nothing was sent), a timeout, or another failure.
 */
record Outcome(GatewayResponse response, Throwable failure) {
    enum Kind { RESPONSE, CONNECT_FAILURE, TIMEOUT, OTHER_FAILURE }

    static Outcome of(GatewayResponse response, Throwable failure) {
        Throwable cause = failure instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : failure;
        return new Outcome(response, cause);
    }

    Kind kind() {
        if (failure == null) {
            return Kind.RESPONSE;
        }
        if (failure instanceof UpstreamConnectException) {
            return Kind.CONNECT_FAILURE;
        }
        if (failure instanceof GatewayException g && g.status() == 504) {
            return Kind.TIMEOUT;
        }
        return Kind.OTHER_FAILURE;
    }

    /** Whether the call gave no answer or a server error: one that a retry or a hedge may better. */
    boolean failed() {
        return failure != null || response.status() >= 500;
    }

    /** Releases a response that will not be used. */
    void discard() {
        if (response != null) {
            response.body().discard();
        }
    }
}
