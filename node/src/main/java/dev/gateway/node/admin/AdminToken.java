package dev.gateway.node.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token of {@code node.admin.token} guarding {@code /admin/*}. Compared in constant
 * time. Without a configured token the read-only admin calls are open (sensible only when the admin
 * listener is bound to loopback; the README says so) and calls that change something are refused.
 */
public final class AdminToken {
    private final byte[] expected;

    public AdminToken(String token) {
        this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a token is configured; calls that change something need one. */
    public boolean configured() {
        return expected != null;
    }

    public boolean allows(String authorizationHeader) {
        if (expected == null) {
            return true;
        }
        if (authorizationHeader == null) {
            return false;
        }
        return MessageDigest.isEqual(expected, authorizationHeader.getBytes(StandardCharsets.UTF_8));
    }
}
