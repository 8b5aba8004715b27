package dev.gateway.node.http;

import java.util.Locale;

/** The host name of a {@code Host} header: lower case, without its port ({@code [::1]:8080} gives {@code [::1]}). */
public final class HostNames {
    private HostNames() {
    }

    /** "" when the header is absent or blank. */
    public static String withoutPort(String host) {
        if (host == null || host.isBlank()) {
            return "";
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close > 0 ? h.substring(0, close + 1) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 ? h.substring(0, colon) : h;
    }
}
