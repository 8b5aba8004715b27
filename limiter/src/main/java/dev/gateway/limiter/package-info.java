/**
 * Admission control in pure Java: rate-limit specs and decisions, the {@link dev.gateway.limiter.RateLimiter}
 * port with an in-memory implementation, and (later) the circuit-breaker state machine. Never imports
 * Hazelcast, Grizzly or jjwt; the cluster module adapts these ports to Hazelcast.
 */
package dev.gateway.limiter;
