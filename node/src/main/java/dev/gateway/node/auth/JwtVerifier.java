package dev.gateway.node.auth;

import dev.gateway.config.JwtProvider;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import java.security.Key;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the signed JWTs of one {@code auth.jwt[]} provider with jjwt, in this order: size
 * ({@code max-token-bytes}), shape (three parts: JWS compact form only, no JWE), {@code alg} (in
 * {@code algorithms}; {@code none} never), the key (by {@code kid}, of the type the algorithm
 * needs), the signature, then {@code exp} and {@code nbf} with {@code clock-skew} against the
 * injected clock, {@code iss}, {@code aud} (one of {@code audiences}, when configured) and finally
 * {@code required-claims} (403 rather than 401: the token is genuine). A token without {@code exp}
 * is accepted, as Kong, Envoy and Spring Security do; require {@code exp} with {@code required-claims: [exp]}.
 *
 * <p>One instance per provider per config version; immutable apart from the {@link KeySource}'s
 * cache; thread-safe. {@link #verify} never blocks: only a token naming an unknown key waits, on
 * the key source's asynchronous refresh.
 */
public final class JwtVerifier {
    private static final Logger log = LoggerFactory.getLogger(JwtVerifier.class);
    private static final UnknownKey UNKNOWN_KEY = new UnknownKey();

    private final JwtProvider config;
    private final KeySource keys;
    private final Set<String> algorithms;
    private final Set<String> audiences;
    private final List<String> requiredClaims;
    private final JwtParser parser;
    private final VerifiedTokenCache verified;

    JwtVerifier(JwtProvider config, KeySource keys, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.algorithms = Set.copyOf(config.algorithms());
        this.audiences = Set.copyOf(config.audiences());
        this.requiredClaims = List.copyOf(config.requiredClaims());
        this.parser = Jwts.parser()
                .keyLocator(new KeyLocator())
                .clock(() -> Date.from(clock.instant()))
                .clockSkewSeconds(config.clockSkew().toSeconds())
                .build();
        this.verified = new VerifiedTokenCache(clock);
    }

    /**
     * The verified claims, or a stage failed with an {@link AuthRejection} saying why not. Completes
     * at once unless the token names a key the source lacks and the source may refresh.
     */
    public CompletionStage<Claims> verify(String token) {
        try {
            return CompletableFuture.completedFuture(verifyNow(token));
        } catch (UnknownKey e) {
            if (!keys.refreshable()) {
                return CompletableFuture.failedFuture(noKey());
            }
            return keys.refreshForUnknownKey().thenApply(refreshed -> {
                try {
                    return verifyNow(token);
                } catch (UnknownKey stillUnknown) {
                    throw noKey();
                }
            });
        } catch (AuthRejection e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private AuthRejection noKey() {
        return keys.loaded() ? new AuthRejection(AuthReason.UNKNOWN_KEY, "unknown signing key")
                : new AuthRejection(AuthReason.UNAVAILABLE, "signing keys unavailable");
    }

    /** @throws AuthRejection why the token is refused; @throws UnknownKey when no current key fits */
    Claims verifyNow(String token) {
        KeySet keysNow = keys.current();
        Claims known = verified.get(token, keysNow);
        if (known != null) {
            return known;
        }
        Claims claims = verifyUncached(token);
        verified.put(token, claims, keysNow);
        return claims;
    }

    private Claims verifyUncached(String token) {
        if (token.length() > config.maxTokenBytes()) {
            throw new AuthRejection(AuthReason.TOO_LARGE, "token larger than " + config.maxTokenBytes() + " bytes");
        }
        if (!compactJws(token)) {
            throw new AuthRejection(AuthReason.MALFORMED, "not a signed JWT");
        }
        Claims claims;
        try {
            claims = parser.parseSignedClaims(token).getPayload();
        } catch (AuthRejection | UnknownKey e) {
            throw e;
        } catch (ExpiredJwtException e) {
            throw new AuthRejection(AuthReason.EXPIRED, "token expired");
        } catch (PrematureJwtException e) {
            throw new AuthRejection(AuthReason.NOT_YET_VALID, "token not yet valid");
        } catch (io.jsonwebtoken.security.SignatureException e) {
            if (e.getCause() instanceof UnsupportedJwtException) {
                throw new AuthRejection(AuthReason.ALGORITHM, "algorithm not allowed");
            }
            throw new AuthRejection(AuthReason.BAD_SIGNATURE, "invalid signature");
        } catch (UnsupportedJwtException e) {
            throw new AuthRejection(AuthReason.ALGORITHM, "algorithm not allowed");
        } catch (MalformedJwtException e) {
            throw new AuthRejection(AuthReason.MALFORMED, "malformed token");
        } catch (RuntimeException e) { // any other JwtException, or a library surprise on hostile input
            log.debug("auth provider jwt:{}: token refused ({})", config.id(), e.getClass().getSimpleName());
            throw new AuthRejection(AuthReason.INVALID, "invalid token");
        }
        if (!config.issuer().equals(stringClaim(claims, "iss"))) {
            throw new AuthRejection(AuthReason.ISSUER, "wrong issuer");
        }
        if (!audiences.isEmpty() && !hasAudience(claims)) {
            throw new AuthRejection(AuthReason.AUDIENCE, "wrong audience");
        }
        for (String claim : requiredClaims) {
            if (claims.get(claim) == null) {
                throw new AuthRejection(AuthReason.MISSING_CLAIM, "missing required claim " + safe(claim));
            }
        }
        return claims;
    }

    /** Three non-empty base64url-ish parts: cheap to check, spares jjwt the obvious garbage and JWEs. */
    private static boolean compactJws(String token) {
        int first = token.indexOf('.');
        int second = first <= 0 ? -1 : token.indexOf('.', first + 1);
        return second > 0 && second < token.length() - 1 && token.indexOf('.', second + 1) < 0;
    }

    private boolean hasAudience(Claims claims) {
        Set<String> aud;
        try {
            aud = claims.getAudience();
        } catch (RuntimeException e) { // not a string or an array of strings
            return false;
        }
        if (aud != null) {
            for (String a : aud) {
                if (audiences.contains(a)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String stringClaim(Claims claims, String name) {
        return claims.get(name) instanceof String s ? s : null;
    }

    /** A config-given claim name made safe for a quoted-string. */
    private static String safe(String claim) {
        StringBuilder sb = new StringBuilder(claim.length() + 2).append('\'');
        for (int i = 0; i < claim.length(); i++) {
            char c = claim.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return sb.append('\'').toString();
    }

    JwtProvider config() {
        return config;
    }

    /** Finds the key for the header jjwt parsed; runs before the signature is checked. */
    private final class KeyLocator extends LocatorAdapter<Key> {
        @Override
        protected Key locate(JwsHeader header) {
            String alg = header.getAlgorithm();
            if (!algorithms.contains(alg)) {
                throw new AuthRejection(AuthReason.ALGORITHM, "algorithm not allowed");
            }
            Key key = keys.current().find(header.getKeyId(), alg);
            if (key == null) {
                throw UNKNOWN_KEY;
            }
            return key;
        }
    }

    /** No current key fits the token; immutable, shared. */
    static final class UnknownKey extends RuntimeException {
        UnknownKey() {
            super("unknown signing key", null, false, false);
        }
    }
}
