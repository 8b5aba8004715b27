package dev.gateway.node.sync;

import dev.gateway.config.SharedConfig;
import dev.gateway.config.feed.ConfigVersion;
import java.util.List;

/** Puts a config version into service on this node, or says why it cannot. */
public interface VersionApplier {
    /**
     * Builds {@code version} and swaps it in whole; the previous version keeps serving when this throws.
     *
     * @throws ConfigRejectedException with every problem when the version cannot run here
     */
    void apply(ConfigVersion version) throws ConfigRejectedException;

    /** The problems that would make {@code config} fail here; empty when it would apply. Changes nothing. */
    List<dev.gateway.config.ConfigError> check(SharedConfig config);
}
