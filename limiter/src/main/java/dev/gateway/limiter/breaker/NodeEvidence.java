package dev.gateway.limiter.breaker;

import java.util.Objects;

/**
 * One node's latest report to the cluster-wide breaker: what that node's own window saw of the upstream, and
 * when it said so (by the reporting node's clock, the {@code now} it passed along).
 *
 * @param node             the reporting node's name
 * @param evidence         the node's local window at {@code reportedAtMillis}
 * @param reportedAtMillis when the node reported it (epoch milliseconds); the evidence stops counting once it
 *                         is a {@link BreakerSpec#window()} old
 */
public record NodeEvidence(String node, Evidence evidence, long reportedAtMillis) {

    public NodeEvidence {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(evidence, "evidence");
    }
}
