package dev.gateway.limiter;

/**
 * What a {@link RateLimiter} holds for one {@link KeySpace}, as this node sees it (for metrics).
 *
 * @param keys    buckets held now (for the cluster's store: the entries this member owns, backups not counted)
 * @param evicted buckets evicted past {@link KeySpace#maxKeys()} since this node started (for the cluster's store:
 *                by this member, as owner)
 * @param bytes   heap the held buckets cost, -1 when unknown
 */
public record KeyStats(long keys, long evicted, long bytes) {
    /** Nothing held, nothing known. */
    public static final KeyStats NONE = new KeyStats(0, 0, -1);
}
