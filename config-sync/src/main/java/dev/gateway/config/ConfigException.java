package dev.gateway.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config document was rejected; {@link #errors()} lists every problem found, each with its path. */
public class ConfigException extends Exception {
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    /** Never empty. */
    public List<ConfigError> errors() {
        return errors;
    }
}
