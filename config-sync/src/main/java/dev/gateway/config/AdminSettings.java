package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * The admin API listener. When {@code token} is set, {@code /admin/*} requires
 * {@code Authorization: Bearer <token>}; health and metrics stay open. {@link #toString()} hides the token.
 */
public record AdminSettings(HostPort listen, String token) {
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 9901);

    public AdminSettings {
        Check.notNull(listen, "listen");
        Check.that(token == null || (!token.isEmpty() && Check.headerValue(token, "token").strip().equals(token)),
                "token", "<hidden>", "a non-empty token without surrounding spaces");
    }

    public static AdminSettings defaults() {
        return new AdminSettings(DEFAULT_LISTEN, null);
    }

    @Override
    public String toString() {
        return "AdminSettings[listen=" + listen + ", token=" + (token == null ? "null" : "<hidden>") + "]";
    }
}
