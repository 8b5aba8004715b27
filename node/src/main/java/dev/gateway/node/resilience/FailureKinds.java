package dev.gateway.node.resilience;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which ends of a call a list in the vocabulary of {@code retries.on} and {@code circuit-breaker.on} names:
 * {@code connect-failure}, {@code timeout}, and statuses 500..599. Immutable.
 */
record FailureKinds(boolean connectFailure, boolean timeout, Set<Integer> statuses) {

    static FailureKinds of(List<String> on) {
        return new FailureKinds(on.contains("connect-failure"), on.contains("timeout"),
                on.stream().filter(o -> o.matches("\\d{3}")).map(Integer::valueOf).collect(Collectors.toUnmodifiableSet()));
    }

    /** Whether the list names {@code outcome}'s kind; another failure (no usable answer) is named by none. */
    boolean names(Outcome outcome) {
        return switch (outcome.kind()) {
            case RESPONSE -> statuses.contains(outcome.response().status());
            case CONNECT_FAILURE -> connectFailure;
            case TIMEOUT -> timeout;
            case OTHER_FAILURE -> false;
        };
    }

    /**
     * Whether a breaker counts {@code outcome} as a failure: what the list names, and every other failure (a
     * broken or unreadable response: the upstream gave no usable answer, whatever the list says).
     */
    boolean breakerFailure(Outcome outcome) {
        return outcome.kind() == Outcome.Kind.OTHER_FAILURE || names(outcome);
    }
}
