package dev.gateway.config;

import java.util.Locale;

/**
 * How the gateway speaks to an upstream's targets. Config syntax: {@code http1} (HTTP/1.1, the default), {@code h2c}
 * (HTTP/2 over plain TCP by prior knowledge: {@code http://} targets only) and {@code h2} (HTTP/2 over TLS, chosen by
 * ALPN: {@code https://} targets only). gRPC needs {@code h2c} or {@code h2}.
 */
public enum UpstreamProtocol {
    HTTP1, H2C, H2;

    /** @throws IllegalArgumentException for anything but {@code http1}, {@code h2c} and {@code h2} */
    public static UpstreamProtocol parse(String text) {
        for (UpstreamProtocol p : values()) {
            if (p.toString().equals(text)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + text + "' (expected: http1, h2c, h2)");
    }

    /** True for the HTTP/2 protocols. */
    public boolean http2() {
        return this != HTTP1;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
