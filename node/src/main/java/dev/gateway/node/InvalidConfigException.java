package dev.gateway.node;

import dev.gateway.config.ConfigError;
import java.util.List;

/** The config a node was asked to start with cannot run here: every problem, each with its path. */
public final class InvalidConfigException extends IllegalArgumentException {
    private final transient List<ConfigError> errors;

    public InvalidConfigException(List<ConfigError> errors) {
        super(String.join("\n", errors.stream().map(ConfigError::toString).toList()));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
