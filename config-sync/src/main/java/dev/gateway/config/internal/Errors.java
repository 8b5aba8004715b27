package dev.gateway.config.internal;

import dev.gateway.config.ConfigError;
import java.util.ArrayList;
import java.util.List;

/** Collects the errors of one parse, in the order they are found. Not thread-safe: one per parse. */
public final class Errors {
    private final List<ConfigError> list = new ArrayList<>();

    public void add(String path, String message) {
        list.add(new ConfigError(path, message));
    }

    public void addAll(List<ConfigError> errors) {
        list.addAll(errors);
    }

    /** A mark to pass to {@link #since(int)}. */
    public int mark() {
        return list.size();
    }

    /** Whether errors were added after the mark. */
    public boolean since(int mark) {
        return list.size() > mark;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<ConfigError> list() {
        return List.copyOf(list);
    }
}
