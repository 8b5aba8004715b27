package dev.gateway.node.sync;

import dev.gateway.config.ConfigError;
import java.util.List;

/**
 * A shared config this node cannot run: it does not parse or validate, uses a feature this node lacks, or
 * cannot be built here (an unreadable key file, say). Carries every problem with its config path.
 */
public final class ConfigRejectedException extends Exception {
    private final transient List<ConfigError> errors;

    public ConfigRejectedException(List<ConfigError> errors) {
        super(summary(errors));
        this.errors = List.copyOf(errors);
    }

    /** Never empty. */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String summary(List<ConfigError> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("errors: empty (expected: at least one)");
        }
        return String.join("; ", errors.stream().map(ConfigError::toString).toList());
    }
}
