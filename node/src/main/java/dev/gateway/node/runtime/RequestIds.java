package dev.gateway.node.runtime;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The one format of request ids: 32 lowercase hex digits (128 random bits), unique across nodes
 * and restarts without coordination. Every id the gateway makes has it, whether it answers the
 * request itself (404, 405, 429, ...) or a route's {@code correlation-id} carries it upstream, so a
 * client or a log search never has to know which path made the id. Stateless and thread-safe.
 */
public final class RequestIds implements Supplier<String> {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    @Override
    public String get() {
        return random128();
    }

    /** A fresh random id of 32 hex digits. */
    public static String random128() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[32];
        write(r.nextLong(), out, 0);
        write(r.nextLong(), out, 16);
        return new String(out);
    }

    private static void write(long v, char[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
