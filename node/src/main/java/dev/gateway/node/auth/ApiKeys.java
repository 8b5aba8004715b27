package dev.gateway.node.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** API keys as the config stores them: {@code sha256:<64 lowercase hex digits>} of the key's UTF-8 bytes. */
public final class ApiKeys {
    public static final String PREFIX = "sha256:";

    private ApiKeys() {
    }

    /** The config form of {@code key}: {@code sha256:<hex>}. */
    public static String hash(String key) {
        return PREFIX + HexFormat.of().formatHex(sha256(key));
    }

    /** The raw SHA-256 of the key's UTF-8 bytes. */
    static byte[] sha256(String key) {
        return sha256().digest(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The 32 bytes a stored {@code sha256:<hex>} stands for. */
    static byte[] digestOf(String stored) {
        if (!stored.startsWith(PREFIX)) {
            throw new IllegalArgumentException("api key: " + stored + " (expected: sha256:<hex>)");
        }
        return HexFormat.of().parseHex(stored, PREFIX.length(), stored.length());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
