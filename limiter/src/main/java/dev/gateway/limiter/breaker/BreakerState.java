package dev.gateway.limiter.breaker;

/**
 * The three states of a circuit breaker. Which moves between them are legal is {@link Transitions}' table.
 * <ul>
 *   <li>{@code CLOSED}: calls pass; their outcomes are counted, and enough failures trip the breaker;</li>
 *   <li>{@code OPEN}: calls are refused (503 with {@code Retry-After}) until the open period ends;</li>
 *   <li>{@code HALF_OPEN}: a few probe calls pass, everything else is refused; the probes decide whether the
 *       breaker closes again or reopens.</li>
 * </ul>
 */
public enum BreakerState { CLOSED, OPEN, HALF_OPEN }
