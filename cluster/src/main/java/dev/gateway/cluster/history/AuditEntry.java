package dev.gateway.cluster.history;

import java.util.Objects;

/**
 * One admin call that changed, or tried to change, something: when (the receiving node's clock), who (what the admin
 * listener can tell: the admin token was presented, from which address), on which node, what ({@code PUT
 * /admin/config}, say), and the result (the HTTP status and a short outcome).
 */
public record AuditEntry(long atMillis, String who, String node, String action, int status, String result) {
    public AuditEntry {
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(action, "action");
        result = result == null ? "" : result;
    }
}
