package dev.gateway.node.auth;

import io.jsonwebtoken.Claims;
import java.time.Clock;
import java.util.Date;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens one verifier has already found valid, so that a client presenting the same token again
 * costs a map lookup instead of a signature check (an RS256 verification is tens of
 * microseconds). An entry lasts {@link #TTL_MILLIS} at most, never past the token's
 * {@code exp}, and only while the provider's key set is the one it was verified against: a
 * JWKS refresh (a rotation, a removed key) sends every token through full verification again. Bounded: when full, it is emptied and refills. One per verifier, so per provider and
 * config version. Thread-safe.
 */
final class VerifiedTokenCache {
    static final long TTL_MILLIS = 60_000;
    static final int MAX_ENTRIES = 10_000;

    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Claims claims, long validUntilMillis, KeySet keys) {
    }

    VerifiedTokenCache(Clock clock) {
        this.clock = clock;
    }

    /** The claims of {@code token} if it was verified against {@code keysNow} and is still within its cache life, else null. */
    Claims get(String token, KeySet keysNow) {
        Entry e = entries.get(token);
        if (e == null) {
            return null;
        }
        if (e.keys != keysNow || clock.millis() >= e.validUntilMillis) {
            entries.remove(token, e);
            return null;
        }
        return e.claims;
    }

    /** Remembers a token just verified; tokens not yet valid ({@code nbf} ahead) are not cached. */
    void put(String token, Claims claims, KeySet verifiedWith) {
        long now = clock.millis();
        Date notBefore = claims.getNotBefore();
        if (notBefore != null && notBefore.getTime() > now) {
            return;
        }
        Date expiry = claims.getExpiration();
        long until = now + TTL_MILLIS;
        if (expiry != null) {
            until = Math.min(until, expiry.getTime());
        }
        if (until <= now) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(token, new Entry(claims, until, verifiedWith));
    }
}
