package dev.gateway.node.upstream.grizzly;

import dev.gateway.config.Durations;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamConnectException;
import java.time.Duration;

/**
 * What an {@link UpstreamExchange} fails with, by cause: the status and message the client and the access log
 * see. A failure before anything was sent is an {@link UpstreamConnectException} (a {@code connect-failure} for
 * retries and breakers); the rest are plain {@link GatewayException}s.
 */
final class ExchangeErrors {
    private ExchangeErrors() {
    }

    static GatewayException connectFailed(Throwable error) {
        return new UpstreamConnectException(502, "upstream connect failed", error);
    }

    static GatewayException unresolved(String host, Throwable error) {
        return new UpstreamConnectException(502, "upstream host " + host + " cannot be resolved", error);
    }

    static GatewayException handshakeFailed(Throwable error) {
        return new UpstreamConnectException(502, "upstream TLS handshake failed: " + TlsChain.reason(error), error);
    }

    static GatewayException notH2(Throwable error) {
        return new UpstreamConnectException(502, error.getMessage(), error);
    }

    static GatewayException handshakeTimedOut(UpstreamCall call) {
        return new UpstreamConnectException(504, connectTimeoutName(call) + " (TLS handshake)", null);
    }

    static GatewayException poolExhausted() {
        return new GatewayException(503, "upstream connection pool exhausted");
    }

    static GatewayException writeFailed(Throwable error) {
        return new GatewayException(502, "upstream write failed", error);
    }

    /** The client's request body broke: its own error when it has one, else a 400. */
    static GatewayException requestBodyBroke(Throwable error) {
        return error instanceof GatewayException known ? known
                : new GatewayException(400, "request body incomplete", error);
    }

    /** The upstream closed the connection before the response ended (a TLS alert says why, when there is one). */
    static GatewayException closed(Throwable cause) {
        return TlsChain.isTls(cause) ? tls(cause) : new GatewayException(502, "upstream closed the connection");
    }

    /** The connection failed while reading the response. */
    static GatewayException invalidResponse(Throwable error) {
        return TlsChain.isTls(error) ? tls(error) : new GatewayException(502, "upstream sent an invalid response", error);
    }

    static GatewayException aborted() {
        return new GatewayException(502, "response aborted");
    }

    /**
     * The timeout that fired ({@link ExchangeTimer#CONNECT}, {@link ExchangeTimer#DEADLINE} or the response
     * timeout), named as configured, while the exchange was waiting for a pooled connection, connecting, or past
     * that: always 504, a connect failure until something was sent.
     */
    static GatewayException timedOut(UpstreamCall call, int fired, boolean waiting, boolean connecting) {
        String name = switch (fired) {
            case ExchangeTimer.CONNECT -> connectTimeoutName(call);
            case ExchangeTimer.DEADLINE -> call.exchange().deadlineName();
            default -> "upstream response timeout " + Durations.format(Duration.ofNanos(call.responseTimeoutNanos()));
        };
        if (waiting) {
            return new UpstreamConnectException(504, "no upstream connection became available in time (" + name + ")", null);
        }
        return connecting ? new UpstreamConnectException(504, name, null) : new GatewayException(504, name);
    }

    private static GatewayException tls(Throwable cause) {
        return new GatewayException(502, "upstream TLS error: " + TlsChain.reason(cause), cause);
    }

    private static String connectTimeoutName(UpstreamCall call) {
        return "connect timeout " + Durations.format(Duration.ofNanos(call.connectTimeoutNanos()));
    }
}
