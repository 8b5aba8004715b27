package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A JWT issuer the gateway trusts. Exactly one key source: {@code jwksUrl} (refreshed every {@code jwksRefresh}),
 * inline {@code keys}, or {@code hsSecret} (at least 32 bytes). HMAC algorithms go only with {@code hsSecret},
 * the others only with public keys, so a token cannot switch key types; {@code none} is never accepted.
 * Tokens are checked for issuer, one of {@code audiences} (when not empty), expiry and not-before with
 * {@code clockSkew}, the {@code requiredClaims}, and at most {@code maxTokenBytes}. {@link #toString()} hides the secret.
 */
public record JwtProvider(String id, String issuer, List<String> audiences, URI jwksUrl, List<InlineKey> keys,
                          String hsSecret, List<String> algorithms, Duration clockSkew, List<String> requiredClaims,
                          int maxTokenBytes, Duration jwksRefresh) {
    public static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA");
    public static final Set<String> HMAC = Set.of("HS256", "HS384", "HS512");
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JWKS_REFRESH = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_TOKEN_BYTES = 8192;

    public JwtProvider {
        Check.name(id, "id");
        Check.that(issuer != null && !issuer.isBlank(), "issuer", issuer, "the expected 'iss' claim");
        audiences = Check.list(audiences, "audiences");
        keys = Check.list(keys, "keys");
        int sources = (jwksUrl != null ? 1 : 0) + (keys.isEmpty() ? 0 : 1) + (hsSecret != null ? 1 : 0);
        Check.that(sources == 1, "jwksUrl", jwksUrl, "exactly one of jwks-url, keys, hs-secret");
        if (jwksUrl != null) {
            Check.that(("http".equals(jwksUrl.getScheme()) || "https".equals(jwksUrl.getScheme()))
                    && jwksUrl.getHost() != null, "jwksUrl", jwksUrl.toString(), "an http(s) URL");
        }
        Check.that(keys.stream().map(InlineKey::kid).distinct().count() == keys.size(), "keys",
                keys.stream().map(InlineKey::kid).toList(), "unique kids");
        Check.that(hsSecret == null || hsSecret.getBytes(StandardCharsets.UTF_8).length >= 32, "hsSecret", "<hidden>",
                "at least 32 bytes");
        algorithms = Check.list(algorithms, "algorithms");
        Check.that(!algorithms.isEmpty(), "algorithms", "[]", "at least one algorithm");
        for (String a : algorithms) {
            boolean hmac = HMAC.contains(a);
            Check.that(hmac || ASYMMETRIC.contains(a), "algorithms", a,
                    "one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, HS256, HS384, HS512");
            Check.that(hmac == (hsSecret != null), "algorithms", a,
                    hsSecret != null ? "HS256, HS384 or HS512 with hs-secret" : "no HS* algorithm without hs-secret");
        }
        Check.notNull(clockSkew, "clockSkew");
        Check.that(!clockSkew.isNegative(), "clockSkew", clockSkew.toString(), ">= 0");
        requiredClaims = Check.list(requiredClaims, "requiredClaims");
        Check.atLeast(maxTokenBytes, 256, "maxTokenBytes");
        Check.positive(jwksRefresh, "jwksRefresh");
    }

    /** The default algorithms for a key source: HS256 with a secret, RS256 otherwise. */
    public static List<String> defaultAlgorithms(boolean hsSecret) {
        return List.of(hsSecret ? "HS256" : "RS256");
    }

    @Override
    public String toString() {
        return "JwtProvider[id=" + id + ", issuer=" + issuer + ", audiences=" + audiences + ", jwksUrl=" + jwksUrl
                + ", keys=" + keys.size() + ", hsSecret=" + (hsSecret == null ? "null" : "<hidden>")
                + ", algorithms=" + algorithms + ", clockSkew=" + clockSkew + ", requiredClaims=" + requiredClaims
                + ", maxTokenBytes=" + maxTokenBytes + ", jwksRefresh=" + jwksRefresh + "]";
    }
}
