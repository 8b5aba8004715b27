package dev.gateway.config;

/** One problem in a config document: the path of the offending value and what is wrong with it. */
public record ConfigError(String path, String message) {
    @Override
    public String toString() {
        return path == null || path.isEmpty() ? message : path + ": " + message;
    }
}
