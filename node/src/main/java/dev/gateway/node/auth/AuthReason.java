package dev.gateway.node.auth;

/**
 * Why one provider accepted or refused one request: the {@code reason} label of the auth metrics
 * and, through {@link #status()}, the HTTP status it leads to when no other provider accepts.
 */
public enum AuthReason {
    OK("ok", 200),
    /** The provider's credential was not in the request at all. */
    MISSING("missing", 401),
    MALFORMED("malformed", 401),
    TOO_LARGE("too-large", 401),
    ALGORITHM("algorithm", 401),
    UNKNOWN_KEY("unknown-key", 401),
    BAD_SIGNATURE("bad-signature", 401),
    EXPIRED("expired", 401),
    NOT_YET_VALID("not-yet-valid", 401),
    ISSUER("issuer", 401),
    AUDIENCE("audience", 401),
    SUBJECT("subject", 401),
    INVALID("invalid", 401),
    UNKNOWN_API_KEY("unknown-api-key", 401),
    INACTIVE("inactive", 401),
    /** Authenticated, but a required claim is missing. */
    MISSING_CLAIM("missing-claim", 403),
    /** The provider could not decide: introspection endpoint down or slow, JWKS never loaded. */
    UNAVAILABLE("unavailable", 503);

    private final String label;
    private final int status;

    AuthReason(String label, int status) {
        this.label = label;
        this.status = status;
    }

    /** The metric label, lower case with dashes. */
    public String label() {
        return label;
    }

    /** 200 for {@link #OK}, else the status this refusal leads to. */
    public int status() {
        return status;
    }
}
