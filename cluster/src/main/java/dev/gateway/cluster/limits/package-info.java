/**
 * The Hazelcast adapter of the limiter's {@link dev.gateway.limiter.RateLimiter} port:
 * {@link dev.gateway.cluster.limits.HazelcastRateLimiter} (bucket4j's Hazelcast backend for the bucket
 * algorithms, an entry processor running {@link dev.gateway.limiter.SlidingWindow} for sliding windows) and
 * {@link dev.gateway.cluster.limits.RateLimitMaps}, what the member config must register for it.
 */
package dev.gateway.cluster.limits;
