/**
 * The Hazelcast adapter of the limiter's cluster-wide breaker ports
 * ({@link dev.gateway.limiter.breaker.BreakerBoard}, {@link dev.gateway.limiter.breaker.BreakerViews}):
 * {@link dev.gateway.cluster.breakers.HazelcastBreakerBoard}, whose entry processors run
 * {@link dev.gateway.limiter.breaker.SharedBreakerPolicy} on the member owning an upstream's entry, and
 * {@link dev.gateway.cluster.breakers.BreakerMaps}, what the member config must register for it.
 */
package dev.gateway.cluster.breakers;
