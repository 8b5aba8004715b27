package dev.gateway.node.upstream.balance;

/**
 * The fixed hash functions of the hashing balancers: no per-JVM seed, so every node of the
 * cluster, before and after a restart, maps a key to the same target.
 */
final class Hashing {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private Hashing() {
    }

    /** 64-bit FNV-1a over the UTF-16 code units (low byte, then high byte), finished with {@link #mix}. */
    static long hash(CharSequence text) {
        long h = FNV_OFFSET;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            h = (h ^ (c & 0xff)) * FNV_PRIME;
            h = (h ^ (c >>> 8)) * FNV_PRIME;
        }
        return mix(h);
    }

    /** The {@code n}-th value of a SplitMix64 sequence seeded by {@code seed}: well spread for every n. */
    static long sequence(long seed, int n) {
        return mix(seed + (n + 1L) * GOLDEN_GAMMA);
    }

    /** MurmurHash3's fmix64: every input bit affects every output bit. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
