package dev.gateway.node.auth;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Key pairs generated once per test JVM, and tokens signed with them. */
final class TestKeys {
    static final String ISSUER = "https://issuer.test";
    static final String HS_SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"; // 64 bytes

    static final KeyPair RSA = generate("RSA", 2048);
    static final KeyPair RSA_OTHER = generate("RSA", 2048);
    static final KeyPair EC256 = ec("secp256r1");
    static final KeyPair EC384 = ec("secp384r1");
    static final KeyPair EC521 = ec("secp521r1");
    static final KeyPair ED25519 = generate("Ed25519", 0);

    private TestKeys() {
    }

    /** A token with issuer, audience "api", subject, expiry in an hour from {@code now}; {@code more} adds or overrides. */
    static String token(String alg, Key signingKey, String kid, Instant now, UnaryOperator<JwtBuilder> more) {
        JwtBuilder b = Jwts.builder().issuer(ISSUER).subject("alice-sub").audience().add("api").and()
                .issuedAt(Date.from(now)).expiration(Date.from(now.plusSeconds(3600)));
        if (kid != null) {
            b.header().keyId(kid).and();
        }
        return more.apply(b).signWith(signingKey, algorithm(alg)).compact();
    }

    static String token(String alg, Key signingKey, String kid, Instant now) {
        return token(alg, signingKey, kid, now, b -> b);
    }

    static SecretKeySpec hsKey(String alg) {
        return new SecretKeySpec(HS_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA" + alg.substring(2));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static SecureDigestAlgorithm<Key, ?> algorithm(String alg) {
        return (SecureDigestAlgorithm) Jwts.SIG.get().forKey(alg);
    }

    /** A compact JWS assembled by hand from JSON texts, signed with HMAC-SHA256 over {@code secret}. */
    static String hs256ByHand(String headerJson, String payloadJson, byte[] secret) {
        String signingInput = b64(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(payloadJson.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Header and payload from JSON texts, then {@code signature} verbatim (may be empty). */
    static String unsignedByHand(String headerJson, String payloadJson, String signature) {
        return b64(headerJson.getBytes(StandardCharsets.UTF_8)) + "." + b64(payloadJson.getBytes(StandardCharsets.UTF_8))
                + "." + signature;
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Flips a character in the middle of the signature part. */
    static String withBadSignature(String token) {
        int at = token.lastIndexOf('.') + 5;
        char c = token.charAt(at);
        return token.substring(0, at) + (c == 'A' ? 'B' : 'A') + token.substring(at + 1);
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    /** The PEM as one YAML double-quoted scalar. */
    static String yamlPem(PublicKey key) {
        return "\"" + pem(key).replace("\n", "\\n") + "\"";
    }

    /** One JWK (JSON text) for a public key. */
    static String jwk(PublicKey key, String kid, String alg) {
        var builder = Jwks.builder().key(key).id(kid);
        if (alg != null) {
            builder.algorithm(alg);
        }
        PublicJwk<?> jwk = (PublicJwk<?>) builder.build();
        return Jwks.json(jwk);
    }

    static String jwks(String... jwks) {
        return "{\"keys\":[" + String.join(",", List.of(jwks)) + "]}";
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
