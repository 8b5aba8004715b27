package dev.gateway.node.auth;

import java.util.Objects;

/**
 * One provider's verdict on one request.
 *
 * @param description safe to show the client and to put in a {@code WWW-Authenticate} quoted
 *                    string (no quotes, backslashes or control characters); never contains the credential
 * @param principal   non-null exactly when {@code reason} is {@link AuthReason#OK}
 */
public record AuthResult(AuthReason reason, String description, Principal principal) {
    public AuthResult {
        Objects.requireNonNull(reason, "reason");
        if ((reason == AuthReason.OK) != (principal != null)) {
            throw new IllegalArgumentException("principal: " + principal + " (expected: non-null exactly for OK)");
        }
    }

    public static AuthResult ok(Principal principal) {
        return new AuthResult(AuthReason.OK, "ok", principal);
    }

    public static AuthResult refused(AuthReason reason, String description) {
        return new AuthResult(reason, description, null);
    }

    public boolean isOk() {
        return reason == AuthReason.OK;
    }
}
