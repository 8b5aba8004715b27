package dev.gateway.node.auth;

/**
 * A token refused for {@link #reason()}, with a description safe to show the client. Carries no
 * stack trace: it is control flow for the client's mistake, not a gateway bug.
 */
final class AuthRejection extends RuntimeException {
    private final AuthReason reason;

    AuthRejection(AuthReason reason, String description) {
        super(description, null, false, false);
        this.reason = reason;
    }

    AuthReason reason() {
        return reason;
    }

    AuthResult result() {
        return AuthResult.refused(reason, getMessage());
    }
}
