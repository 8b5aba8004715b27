package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.Locale;

/**
 * How the proxy listener normalizes request paths before routing ({@code node.paths}); the path it routes is
 * the path it forwards (before a route's rewrite).
 *
 * @param mergeSlashes   {@code //} counts as one {@code /} (default true)
 * @param escapedSlashes what an encoded slash or backslash ({@code %2F}, {@code %5C}) or a literal backslash
 *                       does to a request (default {@link EscapedSlashes#REJECT})
 */
public record PathSettings(boolean mergeSlashes, EscapedSlashes escapedSlashes) {
    /** The choice Envoy offers for {@code %2F} and {@code %5C} in a path. */
    public enum EscapedSlashes {
        /** 400: the request is refused. */
        REJECT,
        /** Forwarded encoded (as {@code %2F}, {@code %5C}; a literal backslash as {@code %5C}): data, not separators. */
        KEEP,
        /** Decoded to {@code /} (a backslash too) before the path is split into segments: separators. */
        DECODE;

        /** {@code reject}, {@code keep} or {@code decode}. */
        public static EscapedSlashes parse(String text) {
            for (EscapedSlashes e : values()) {
                if (e.configName().equals(text)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("escapedSlashes: " + Check.show(text) + " (expected: reject, keep or decode)");
        }

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PathSettings {
        Check.notNull(escapedSlashes, "escapedSlashes");
    }

    /** Merge slashes, reject escaped slashes. */
    public static PathSettings defaults() {
        return new PathSettings(true, EscapedSlashes.REJECT);
    }
}
