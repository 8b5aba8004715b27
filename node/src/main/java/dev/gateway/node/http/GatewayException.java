package dev.gateway.node.http;

/**
 * A failure the gateway answers itself, with {@link #status()} and a message safe to show the
 * client (never a stack trace, never internal addresses). Thrown or used to complete a stage
 * exceptionally anywhere in the pipeline; {@link ErrorResponses} turns it into the JSON error.
 */
public class GatewayException extends RuntimeException {
    private final int status;
    private final transient Headers headers;

    public GatewayException(int status, String message) {
        this(status, message, null, null);
    }

    public GatewayException(int status, String message, Throwable cause) {
        this(status, message, null, cause);
    }

    /** @param headers extra headers for the error response (e.g. {@code Allow}, {@code Retry-After}), may be null */
    public GatewayException(int status, String message, Headers headers, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }
}
