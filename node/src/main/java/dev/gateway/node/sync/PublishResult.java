package dev.gateway.node.sync;

import dev.gateway.config.feed.ConfigVersion;

/**
 * What a publish through the admin API or the file watch did.
 *
 * @param outcome  PUBLISHED (a new version), UNCHANGED (the cluster already runs this content) or CONFLICT
 *                 (another publish won the race; {@code version} is the winner)
 * @param version  the version in force afterwards
 * @param appliedHere null when this node serves {@code version}; else why it could not
 */
public record PublishResult(Outcome outcome, ConfigVersion version, String appliedHere) {
    public enum Outcome { PUBLISHED, UNCHANGED, CONFLICT }
}
