package dev.gateway.node.auth;

import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * The verification keys of one JWT provider at one moment. Immutable, thread-safe.
 *
 * <p>A key is found by the token's {@code kid} and {@code alg}: it must be of the type the
 * algorithm needs (RSA for RS/PS, an EC key on the matching curve for ES, Ed25519/Ed448 for
 * EdDSA, a secret for HS), so that a token can never make the gateway use a public key as an HMAC
 * secret. A key's own {@code alg} (from the JWKS), when given, must equal the token's. A token
 * without {@code kid} is verified only when exactly one key fits its algorithm.
 */
final class KeySet {
    static final KeySet EMPTY = new KeySet(List.of());

    /** @param kid null for a key that answers any kid (the HS secret); @param alg null when the key does not restrict it */
    record Entry(String kid, String alg, Key key) {
    }

    private final List<Entry> entries;
    private final Map<String, List<Entry>> byKid;
    private final List<Entry> anyKid;

    KeySet(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        Map<String, List<Entry>> kids = new HashMap<>();
        List<Entry> wildcard = new ArrayList<>();
        for (Entry e : this.entries) {
            if (e.kid() == null) {
                wildcard.add(e);
            } else {
                kids.computeIfAbsent(e.kid(), k -> new ArrayList<>(1)).add(e);
            }
        }
        kids.replaceAll((k, list) -> List.copyOf(list));
        this.byKid = Map.copyOf(kids);
        this.anyKid = List.copyOf(wildcard);
    }

    int size() {
        return entries.size();
    }

    List<Entry> entries() {
        return entries;
    }

    /** The key for a token with this {@code kid} (may be null) and {@code alg}, or null. */
    Key find(String kid, String alg) {
        if (kid != null) {
            Key key = firstFitting(byKid.get(kid), alg);
            return key != null ? key : firstFitting(anyKid, alg);
        }
        Key found = null;
        for (Entry e : entries) {
            if (usable(e, alg)) {
                if (found != null) {
                    return null; // ambiguous: the token must name its key
                }
                found = e.key();
            }
        }
        return found;
    }

    private static Key firstFitting(List<Entry> candidates, String alg) {
        if (candidates != null) {
            for (Entry e : candidates) {
                if (usable(e, alg)) {
                    return e.key();
                }
            }
        }
        return null;
    }

    private static boolean usable(Entry e, String alg) {
        return (e.alg() == null || e.alg().equals(alg)) && fits(alg, e.key());
    }

    /** Whether {@code key} is of the type and size {@code alg} (a JWS algorithm name) needs. */
    static boolean fits(String alg, Key key) {
        if (alg == null || alg.length() < 5) {
            return false;
        }
        switch (alg) {
            case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
                return key instanceof RSAPublicKey;
            case "ES256":
                return curveBits(key) == 256;
            case "ES384":
                return curveBits(key) == 384;
            case "ES512":
                return curveBits(key) == 521;
            case "EdDSA":
                return key instanceof EdECKey && key instanceof java.security.PublicKey;
            case "HS256", "HS384", "HS512":
                return key instanceof SecretKey && ("HmacSHA" + alg.substring(2)).equals(key.getAlgorithm());
            default:
                return false;
        }
    }

    private static int curveBits(Key key) {
        return key instanceof ECPublicKey ec ? ec.getParams().getCurve().getField().getFieldSize() : -1;
    }
}
