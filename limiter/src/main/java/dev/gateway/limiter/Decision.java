package dev.gateway.limiter;

/**
 * The answer for one request against one bucket, with what the rate-limit response headers need.
 *
 * @param allowed          whether the request may pass (a token was consumed)
 * @param limit            the policy's limit, for {@code RateLimit-Limit}
 * @param remaining        tokens left after this decision, for {@code RateLimit-Remaining}
 * @param resetNanos       time until the bucket is full again (window algorithms: until the
 *                         window ends), for {@code RateLimit-Reset}
 * @param retryAfterNanos  when refused, time until one token is available, for
 *                         {@code Retry-After}; 0 when allowed
 */
public record Decision(boolean allowed, long limit, long remaining, long resetNanos, long retryAfterNanos) {
}
