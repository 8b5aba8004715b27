package dev.gateway.config.feed;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.SharedConfig;
import java.util.Objects;

/**
 * One published version of the shared config: what the whole cluster runs. {@code text} is the canonical
 * YAML of the shared config ({@link ConfigCodec#toYaml(SharedConfig)}), {@code sha256} the hash of its
 * content ({@link ConfigCodec#sha256(SharedConfig)}), so equal configs have equal hashes whatever their
 * original formatting. Versions start at 1 and only grow.
 *
 * @param publishedBy       the node that published it
 * @param publishedAtMillis when, in that node's wall-clock milliseconds since the epoch
 */
public record ConfigVersion(long version, String sha256, String text, String publishedBy, long publishedAtMillis) {
    public ConfigVersion {
        if (version < 1) {
            throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
        }
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256: '" + sha256 + "' (expected: 64 lower-case hex digits)");
        }
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(publishedBy, "publishedBy");
    }

    /** Version {@code version} of {@code shared}, in canonical form. */
    public static ConfigVersion of(long version, SharedConfig shared, String publishedBy, long publishedAtMillis) {
        return new ConfigVersion(version, ConfigCodec.sha256(shared), ConfigCodec.toYaml(shared), publishedBy,
                publishedAtMillis);
    }

    /** Whether {@code other} is the same version with the same content. */
    public boolean sameAs(ConfigVersion other) {
        return other != null && other.version == version && other.sha256.equals(sha256);
    }

    /**
     * The order every node agrees on: the greater version wins; between two different configs published
     * under one version on the two sides of a split cluster, the later publication wins, then the greater
     * hash (so that the choice is the same on every member, whichever side it sits on).
     */
    public boolean supersedes(ConfigVersion other) {
        if (other == null) {
            return true;
        }
        if (version != other.version) {
            return version > other.version;
        }
        if (publishedAtMillis != other.publishedAtMillis) {
            return publishedAtMillis > other.publishedAtMillis;
        }
        return sha256.compareTo(other.sha256) > 0;
    }

    /** The version and a short hash, for logs and errors: {@code v7 (3f2a9c1d)}. */
    public String label() {
        return "v" + version + " (" + sha256.substring(0, 8) + ")";
    }

    @Override
    public String toString() {
        return "ConfigVersion[" + label() + " by " + publishedBy + " at " + publishedAtMillis + "]";
    }
}
