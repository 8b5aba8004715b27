package dev.gateway.node.server.tls;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The certificates of a TLS listener indexed for SNI: a server name matches certificates whose
 * subjectAltName holds it exactly, else those holding a wildcard for its parent domain
 * ({@code *.example.com} matches {@code a.example.com}, not {@code a.b.example.com} nor
 * {@code example.com}, as RFC 6125 6.4.3 says). No server name, or one no certificate holds,
 * gets the first certificate: the default. Among the matching certificates the first, in config
 * order, whose key type the handshake asks for wins (an RSA and an EC certificate may serve the
 * same names). Immutable; a reload builds a new set.
 */
final class CertificateSet {
    private final List<CertifiedKey> keys;
    private final Map<String, List<CertifiedKey>> exact = new HashMap<>();
    private final Map<String, List<CertifiedKey>> wildcard = new HashMap<>();
    private final Map<String, CertifiedKey> byAlias = new HashMap<>();

    /** @param keys in config order; the first is the default */
    CertificateSet(List<CertifiedKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("certificates: [] (expected: at least one)");
        }
        this.keys = List.copyOf(keys);
        for (CertifiedKey key : this.keys) {
            byAlias.put(key.alias(), key);
            for (String name : key.dnsNames()) {
                if (name.startsWith("*.")) {
                    wildcard.computeIfAbsent(name.substring(2), n -> new ArrayList<>(1)).add(key);
                } else {
                    exact.computeIfAbsent(name, n -> new ArrayList<>(1)).add(key);
                }
            }
        }
    }

    List<CertifiedKey> keys() {
        return keys;
    }

    CertifiedKey byAlias(String alias) {
        return byAlias.get(alias);
    }

    /**
     * The certificate for a handshake, or null when none of the candidates has a key of
     * {@code keyType} (the JDK then asks again for the next key type the client accepts).
     *
     * @param serverName the client's SNI host name, or null when it sent none
     */
    CertifiedKey choose(String serverName, String keyType) {
        List<CertifiedKey> candidates = serverName == null ? null : candidates(normalize(serverName));
        if (candidates == null) {
            CertifiedKey fallback = keys.get(0);
            return fallback.keyType().equals(keyType) ? fallback : null;
        }
        for (CertifiedKey key : candidates) {
            if (key.keyType().equals(keyType)) {
                return key;
            }
        }
        return null;
    }

    private List<CertifiedKey> candidates(String name) {
        List<CertifiedKey> found = exact.get(name);
        if (found != null) {
            return found;
        }
        int dot = name.indexOf('.');
        return dot > 0 ? wildcard.get(name.substring(dot + 1)) : null;
    }

    /** Lower case, without the trailing dot of a fully qualified name. */
    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
