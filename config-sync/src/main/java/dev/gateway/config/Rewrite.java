package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How the path is rewritten before forwarding, in this order: remove {@code stripPrefix} (when the path starts
 * with it), replace {@code regex} by {@code replacement} ({@code $1} groups; first match), prepend {@code addPrefix}.
 * All are nullable, {@code regex} and {@code replacement} go together.
 */
public record Rewrite(String stripPrefix, String addPrefix, String regex, String replacement) {
    public Rewrite {
        Check.that(stripPrefix == null || (stripPrefix.startsWith("/") && stripPrefix.length() > 1), "stripPrefix",
                stripPrefix, "a path prefix such as /api/v1");
        Check.that(addPrefix == null || (addPrefix.startsWith("/") && addPrefix.length() > 1), "addPrefix", addPrefix,
                "a path prefix such as /v2");
        Check.that((regex == null) == (replacement == null), "regex", regex, "regex and replacement together");
        Check.that(stripPrefix != null || addPrefix != null || regex != null, "rewrite", "{}",
                "strip-prefix, add-prefix, or regex + replacement");
        if (regex != null) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("regex: '" + regex + "' (expected: a valid regex: "
                        + e.getDescription() + " near index " + e.getIndex() + ")");
            }
        }
    }
}
