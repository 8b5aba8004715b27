package dev.gateway.node.routing;

import dev.gateway.config.Rewrite;
import java.util.regex.Pattern;

/**
 * A route's path rewrite, applied in this order: strip-prefix, regex replacement, add-prefix.
 * A stripped path that would be empty becomes {@code /}.
 */
public final class Rewriter {
    private final String stripPrefix;
    private final String addPrefix;
    private final Pattern regex;
    private final String replacement;

    private Rewriter(Rewrite rewrite) {
        this.stripPrefix = trimSlash(rewrite.stripPrefix());
        this.addPrefix = trimSlash(rewrite.addPrefix());
        this.regex = rewrite.regex() == null ? null : Pattern.compile(rewrite.regex());
        this.replacement = rewrite.replacement();
    }

    /** Null when the route has no rewrite. */
    public static Rewriter of(Rewrite rewrite) {
        return rewrite == null ? null : new Rewriter(rewrite);
    }

    public String apply(String path) {
        String p = path;
        if (stripPrefix != null && p.startsWith(stripPrefix)
                && (p.length() == stripPrefix.length() || p.charAt(stripPrefix.length()) == '/')) {
            p = p.substring(stripPrefix.length());
        }
        if (regex != null) {
            p = regex.matcher(p).replaceFirst(replacement);
        }
        if (addPrefix != null) {
            p = addPrefix + (p.startsWith("/") || p.isEmpty() ? p : "/" + p);
        }
        if (p.isEmpty()) {
            return "/";
        }
        return p.charAt(0) == '/' ? p : "/" + p;
    }

    private static String trimSlash(String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
            return null;
        }
        return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
}
