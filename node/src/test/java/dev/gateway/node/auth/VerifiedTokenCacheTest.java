package dev.gateway.node.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {
    private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    private static final class ManualClock extends Clock {
        private Instant now = T0;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final VerifiedTokenCache cache = new VerifiedTokenCache(clock);
    private final KeySet keys = new KeySet(java.util.List.of());

    private static Claims claims(Instant exp, Instant nbf) {
        var b = Jwts.claims().subject("alice");
        if (exp != null) {
            b.expiration(Date.from(exp));
        }
        if (nbf != null) {
            b.notBefore(Date.from(nbf));
        }
        return b.build();
    }

    @Test
    void aVerifiedTokenIsServedFromTheCacheUntilItsTtl() {
        cache.put("t", claims(T0.plusSeconds(3600), null), keys);

        assertThat(cache.get("t", keys)).isNotNull();
        clock.now = T0.plusMillis(VerifiedTokenCache.TTL_MILLIS);
        assertThat(cache.get("t", keys)).isNull();
    }

    @Test
    void neverPastTheTokensExpiry() {
        cache.put("t", claims(T0.plusSeconds(5), null), keys);

        clock.now = T0.plusSeconds(4);
        assertThat(cache.get("t", keys)).isNotNull();
        clock.now = T0.plusSeconds(5);
        assertThat(cache.get("t", keys)).isNull();
    }

    @Test
    void anotherKeySetMeansVerifyingAgain() {
        cache.put("t", claims(T0.plusSeconds(3600), null), keys);

        assertThat(cache.get("t", new KeySet(java.util.List.of()))).isNull();
    }

    @Test
    void aTokenNotYetValidIsNotCached() {
        cache.put("t", claims(T0.plusSeconds(3600), T0.plusSeconds(10)), keys);

        assertThat(cache.get("t", keys)).isNull();
    }
}
