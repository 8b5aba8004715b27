package dev.gateway.node.runtime;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Request ids unique across nodes and restarts without coordination: a random per-process
 * prefix and a counter ({@code 3k9z1q0c7f-1a2b}). Cheap enough to give every request one.
 */
public final class RequestIds implements Supplier<String> {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public RequestIds() {
        this.prefix = Long.toString(ThreadLocalRandom.current().nextLong() >>> 12, 36) + '-';
    }

    @Override
    public String get() {
        return prefix + Long.toString(counter.incrementAndGet(), 36);
    }

    /** A fresh random id of 32 hex digits, for correlation ids the gateway creates. */
    public static String random128() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return hex(r.nextLong()) + hex(r.nextLong());
    }

    private static String hex(long v) {
        String s = Long.toHexString(v);
        return "0".repeat(16 - s.length()) + s;
    }
}
