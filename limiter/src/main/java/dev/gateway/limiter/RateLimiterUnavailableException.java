package dev.gateway.limiter;

/**
 * The rate limiter's store could not answer in time (cluster unreachable, minority side, timeout). A check that
 * timed out may still have taken its token on the store, answering too late; a caller that refuses the request
 * anyway calls {@link #giveBackIfTaken()}, so that a refused request costs the bucket nothing.
 */
public class RateLimiterUnavailableException extends RuntimeException {
    private final transient Runnable giveBackIfTaken;

    public RateLimiterUnavailableException(String message, Throwable cause) {
        this(message, cause, () -> { });
    }

    /** @param giveBackIfTaken hands the check's token back once its late answer shows it was taken; run at most once */
    public RateLimiterUnavailableException(String message, Throwable cause, Runnable giveBackIfTaken) {
        super(message, cause);
        this.giveBackIfTaken = giveBackIfTaken == null ? () -> { } : giveBackIfTaken;
    }

    /**
     * For a caller that refused the request this check was for: if the store still answers and that answer took a
     * token, the token goes back to the bucket (asynchronously; nothing to wait for). Does nothing when the check
     * cannot have taken one (it failed outright, or was never sent) or when called again.
     */
    public void giveBackIfTaken() {
        giveBackIfTaken.run();
    }
}
