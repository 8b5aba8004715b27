package dev.gateway.limiter.breaker;

import java.util.ArrayList;
import java.util.List;

/** A {@link BreakerListener} that remembers every transition as {@code "FROM->TO@millis"}. Thread-safe. */
final class RecordingListener implements BreakerListener {
    private final List<String> transitions = new ArrayList<>();

    @Override
    public synchronized void onTransition(BreakerState from, BreakerState to, long epochMillis) {
        transitions.add(from + "->" + to + "@" + epochMillis);
    }

    synchronized List<String> transitions() {
        return List.copyOf(transitions);
    }

    /** The transitions without their times. */
    synchronized List<String> moves() {
        return transitions.stream().map(t -> t.substring(0, t.indexOf('@'))).toList();
    }
}
