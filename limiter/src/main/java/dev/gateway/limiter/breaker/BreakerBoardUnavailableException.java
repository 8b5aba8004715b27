package dev.gateway.limiter.breaker;

/**
 * The cluster-wide {@link BreakerBoard} (or {@link BreakerViews}) could not answer: no answer in time, no
 * quorum (this node is on a minority side), the member is shutting down. The node then decides on its own
 * breaker until the board answers again.
 */
public class BreakerBoardUnavailableException extends RuntimeException {
    public BreakerBoardUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
