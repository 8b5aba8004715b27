package dev.gateway.node.cache;

import java.util.Locale;

/**
 * The {@code Cache-Control} directives a shared cache acts on, parsed leniently (unknown directives ignored,
 * a bad number is as if absent). {@code maxAge} and {@code sMaxAge} are -1 when absent.
 */
record CacheControl(boolean noStore, boolean noCache, boolean isPrivate, long maxAge, long sMaxAge) {
    static final CacheControl NONE = new CacheControl(false, false, false, -1, -1);

    static CacheControl parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        boolean noStore = false;
        boolean noCache = false;
        boolean isPrivate = false;
        long maxAge = -1;
        long sMaxAge = -1;
        for (String part : value.split(",")) {
            String d = part.trim().toLowerCase(Locale.ROOT);
            int eq = d.indexOf('=');
            String name = eq < 0 ? d : d.substring(0, eq).trim();
            String arg = eq < 0 ? null : d.substring(eq + 1).trim().replace("\"", "");
            switch (name) {
                case "no-store" -> noStore = true;
                case "no-cache" -> noCache = true;
                case "private" -> isPrivate = true;
                case "max-age" -> maxAge = seconds(arg);
                case "s-maxage" -> sMaxAge = seconds(arg);
                default -> {
                }
            }
        }
        return new CacheControl(noStore, noCache, isPrivate, maxAge, sMaxAge);
    }

    private static long seconds(String arg) {
        if (arg == null || arg.isEmpty() || arg.length() > 12) {
            return -1;
        }
        for (int i = 0; i < arg.length(); i++) {
            if (!Character.isDigit(arg.charAt(i))) {
                return -1;
            }
        }
        return Long.parseLong(arg);
    }
}
