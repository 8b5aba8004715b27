/**
 * The circuit-breaker state machine, in pure Java: the states and their {@link dev.gateway.limiter.breaker.Transitions
 * transition table}, the pure {@link dev.gateway.limiter.breaker.BreakerPolicy decisions} over an immutable
 * {@link dev.gateway.limiter.breaker.BreakerSnapshot} (shared by the node-local breaker and a cluster-wide owner),
 * the {@link dev.gateway.limiter.breaker.OutcomeWindow window of outcomes}, and the node-local
 * {@link dev.gateway.limiter.breaker.CircuitBreaker}. Never imports Hazelcast, Grizzly or jjwt.
 */
package dev.gateway.limiter.breaker;
