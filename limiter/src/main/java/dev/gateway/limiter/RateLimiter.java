package dev.gateway.limiter;

import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;

/**
 * Buckets shared by whoever uses the same implementation: one JVM's for the in-memory one,
 * the whole cluster's for the Hazelcast one. Thread-safe; never blocks the caller.
 *
 * <p>A bucket is named by {@code key}; its arithmetic is {@code spec}. When a key is used with
 * a spec whose {@link LimitSpec#version()} is greater than the bucket's, the bucket takes the new
 * spec keeping what was consumed: a lower capacity caps what is left (no new tokens), a higher one
 * adds the difference (more allowed, nothing reset). A spec of a smaller version is ignored: the bucket
 * runs on under its newer one (see {@link LimitSpec#version()} for why). Keys of the bucket algorithms
 * (token, leaky, fixed window) and of sliding windows live apart: a policy that changes between the
 * two families starts the new family's buckets full. Idle buckets are forgotten once they would be
 * full again anyway, and forgetting them changes no decision. A spec with a {@link LimitSpec#keys() key space}
 * keeps its buckets apart from other spaces' and holds at most {@link KeySpace#maxKeys()} of them: past that the
 * least frequently used are evicted, and an evicted key starts again full.
 *
 * <p>Failures: a stage that completes exceptionally with {@link RateLimiterUnavailableException}
 * means the backing store could not answer in time; the caller applies its policy's fallback.
 */
public interface RateLimiter {

    /** Takes one token from {@code key}'s bucket if it has one; {@code remaining} is what is left after. */
    CompletionStage<Decision> tryConsume(String key, LimitSpec spec);

    /**
     * {@link #tryConsume(String, LimitSpec)}, telling {@code batch}, before the stage completes, how many checks of
     * {@code key} went to the store in the one call that carried this one: 1 when it went alone, more when it was
     * coalesced with other checks of the same key (for a trace). A check that fails before any call tells nothing.
     * A store that never coalesces tells 1.
     */
    default CompletionStage<Decision> tryConsume(String key, LimitSpec spec, IntConsumer batch) {
        batch.accept(1);
        return tryConsume(key, spec);
    }

    /**
     * What {@link #tryConsume} would see, consuming nothing (for the admin API): {@code allowed} says
     * whether a token is there, {@code remaining} how many are there now.
     */
    CompletionStage<Decision> peek(String key, LimitSpec spec);

    /**
     * How many buckets of {@code space} this node holds and how many it evicted past {@code maxKeys}. Cheap enough
     * for a metrics scrape, not for the request path. A store that must set a space up first (the cluster's) starts
     * doing so here, in the background, and answers {@link KeyStats#NONE} until it is done.
     */
    default KeyStats keyStats(KeySpace space) {
        return KeyStats.NONE;
    }
}
