package dev.gateway.node.resilience;

import dev.gateway.config.RetryConfig;
import java.util.Set;

/** Which failed calls a route's upstream retries: {@code retries.on} and {@code retries.methods} of its config. */
record RetryPolicy(int attempts, FailureKinds on, Set<String> methods, Backoff backoff) {

    static RetryPolicy of(RetryConfig config, Backoff backoff) {
        return new RetryPolicy(config.attempts(), FailureKinds.of(config.on()), config.methods(), backoff);
    }

    /** Whether {@code outcome} is one to retry (the method and body are judged apart). */
    boolean retries(Outcome outcome) {
        return on.names(outcome);
    }
}
