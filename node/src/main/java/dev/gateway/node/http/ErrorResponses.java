package dev.gateway.node.http;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every response the gateway makes itself:
 * {@code {"error": "...", "status": N, "request_id": "..."}} with {@code application/json}, the
 * request id echoed in {@value #REQUEST_ID_HEADER} as well (a route's {@code correlation-id}
 * header, when it names another, is set on top by its interceptor).
 */
public final class ErrorResponses {
    /** The header every answer of the gateway's own carries its request id in. */
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

    private ErrorResponses() {
    }

    public static GatewayResponse of(int status, String message, String requestId) {
        return of(status, message, requestId, null);
    }

    public static GatewayResponse of(int status, String message, String requestId, Headers extra) {
        String body = "{\"error\":" + Json.quote(message) + ",\"status\":" + status
                + ",\"request_id\":" + Json.quote(requestId == null ? "" : requestId) + "}";
        Headers headers = extra == null ? new Headers(4) : extra.copy();
        headers.set("Content-Type", "application/json");
        headers.set("Cache-Control", "no-store");
        if (requestId != null && !requestId.isEmpty()) {
            headers.set(REQUEST_ID_HEADER, requestId);
        }
        return new GatewayResponse(status, headers, new ErrorBody(Body.of(body), message));
    }

    /** The message of an answer the gateway made itself ({@link #of}), null for any other response (an upstream's). */
    public static String messageOf(GatewayResponse response) {
        return response.body() instanceof ErrorBody e ? e.message : null;
    }

    /**
     * The JSON body of an answer the gateway made itself, marked as such: a gRPC request gets the same refusal in
     * gRPC's form ({@code grpc.GrpcRefusals}), with this message.
     */
    private static final class ErrorBody implements Body {
        private final Body json;
        private final String message;

        ErrorBody(Body json, String message) {
            this.json = json;
            this.message = message;
        }

        @Override
        public long length() {
            return json.length();
        }

        @Override
        public void subscribe(BodySink sink) {
            json.subscribe(sink);
        }

        @Override
        public void resume() {
        }

        @Override
        public void discard() {
        }
    }

    /**
     * Maps any failure of the pipeline to its response. A {@link GatewayException} keeps its
     * status; anything else is a bug in the gateway: logged once with context and answered 500.
     */
    public static GatewayResponse fromFailure(Throwable failure, Exchange exchange) {
        Throwable cause = unwrap(failure);
        if (cause instanceof GatewayException ge) {
            return of(ge.status(), ge.getMessage(), exchange.requestId(), ge.headers());
        }
        log.error("internal error on request {} (route {})", exchange.requestId(), exchange.routeId(), cause);
        return of(500, "internal gateway error", exchange.requestId());
    }

    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
