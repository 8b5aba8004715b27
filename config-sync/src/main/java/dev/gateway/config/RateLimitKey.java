package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rate-limit bucket is keyed by: one or more of {@code consumer}, {@code ip}, {@code route},
 * {@code global}, {@code header:NAME}. Config syntax: a single part ({@code consumer}) or a list
 * ({@code [consumer, route]}); {@link #toString()} gives the single part or {@code [a, b]}.
 */
public record RateLimitKey(List<String> parts) {
    public static final RateLimitKey CONSUMER = new RateLimitKey(List.of("consumer"));

    public RateLimitKey {
        parts = Check.list(parts, "key");
        Check.that(!parts.isEmpty(), "key", "[]", "at least one of consumer, ip, route, global, header:<name>");
        for (String p : parts) {
            boolean ok = p.equals("consumer") || p.equals("ip") || p.equals("route") || p.equals("global")
                    || (p.startsWith("header:") && Check.TOKEN.matcher(p.substring(7)).matches());
            Check.that(ok, "key", p, "consumer, ip, route, global or header:<name>");
        }
        Check.that(parts.stream().distinct().count() == parts.size(), "key", parts, "no duplicate parts");
    }

    /** Parses {@code consumer}, {@code header:X-Tenant}, or {@code [consumer, route]}. */
    public static RateLimitKey parse(String text) {
        String t = text == null ? "" : text.trim();
        List<String> parts = new ArrayList<>();
        if (t.startsWith("[") && t.endsWith("]")) {
            for (String p : t.substring(1, t.length() - 1).split(",")) {
                parts.add(p.trim());
            }
        } else {
            parts.add(t);
        }
        return new RateLimitKey(parts);
    }

    @Override
    public String toString() {
        return parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
    }
}
