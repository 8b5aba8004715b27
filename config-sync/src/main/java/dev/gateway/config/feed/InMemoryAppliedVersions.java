package dev.gateway.config.feed;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** {@link AppliedVersions} of one process: a standalone node's, and tests'. Thread-safe. */
public final class InMemoryAppliedVersions implements AppliedVersions {
    private final Map<String, NodeConfigState> states = new ConcurrentHashMap<>();

    @Override
    public void report(NodeConfigState state) {
        states.put(state.node(), state);
    }

    @Override
    public Map<String, NodeConfigState> all() {
        return new TreeMap<>(states);
    }
}
