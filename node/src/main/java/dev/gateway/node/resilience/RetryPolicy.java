package dev.gateway.node.resilience;

import dev.gateway.config.RetryConfig;
import java.util.Set;

/** Which failed calls a route's upstream retries: {@code retries.on} and {@code retries.methods} of its config. */
record RetryPolicy(int attempts, boolean onConnectFailure, boolean onTimeout, Set<Integer> onStatus,
                   Set<String> methods, Backoff backoff) {

    static RetryPolicy of(RetryConfig config, Backoff backoff) {
        boolean connect = config.on().contains("connect-failure");
        boolean timeout = config.on().contains("timeout");
        Set<Integer> statuses = config.on().stream().filter(o -> o.matches("\\d{3}"))
                .map(Integer::valueOf).collect(java.util.stream.Collectors.toUnmodifiableSet());
        return new RetryPolicy(config.attempts(), connect, timeout, statuses, config.methods(), backoff);
    }

    /** Whether {@code outcome} is one to retry (the method and body are judged apart). */
    boolean retries(Outcome outcome) {
        return switch (outcome.kind()) {
            case RESPONSE -> onStatus.contains(outcome.response().status());
            case CONNECT_FAILURE -> onConnectFailure;
            case TIMEOUT -> onTimeout;
            case OTHER_FAILURE -> false;
        };
    }
}
