package dev.gateway.limiter;

/** The rate limiter's store could not answer in time (cluster unreachable, minority side, timeout). */
public class RateLimiterUnavailableException extends RuntimeException {
    public RateLimiterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
