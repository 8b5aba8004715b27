package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * HTTP/2 towards clients ({@code node.http2}): h2 by ALPN on the TLS listener, h2c (prior knowledge and
 * {@code Upgrade: h2c}) on the plain one. Off unless {@code enabled: true}.
 *
 * @param maxConcurrentStreams streams a client may have open on one connection (SETTINGS_MAX_CONCURRENT_STREAMS)
 * @param initialWindow        each stream's receive window in bytes (SETTINGS_INITIAL_WINDOW_SIZE), how much
 *                             of a request body the node takes before the client must wait
 * @param maxHeaderList        the largest header list a request may carry (SETTINGS_MAX_HEADER_LIST_SIZE);
 *                             a larger header block ends the connection (GOAWAY)
 */
public record Http2Settings(boolean enabled, int maxConcurrentStreams, int initialWindow, int maxHeaderList) {
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
    public static final int DEFAULT_INITIAL_WINDOW = 1 << 20;
    public static final int DEFAULT_MAX_HEADER_LIST = 16 << 10;
    /** RFC 9113 6.5.2: a window is at most 2^31-1 bytes. */
    private static final int MAX_WINDOW = Integer.MAX_VALUE;

    public Http2Settings {
        Check.that(maxConcurrentStreams >= 1 && maxConcurrentStreams <= 10_000, "maxConcurrentStreams",
                maxConcurrentStreams, "1 to 10000");
        Check.that(initialWindow >= 65_535 && initialWindow <= MAX_WINDOW, "initialWindow", initialWindow,
                "64KiB-1 (65535) to 2^31-1 bytes");
        Check.that(maxHeaderList >= 1024 && maxHeaderList <= (1 << 20), "maxHeaderList", maxHeaderList,
                "1KiB to 1MiB");
    }

    /** Off; 100 streams, a 1 MiB window and a 16 KiB header list once enabled. */
    public static Http2Settings defaults() {
        return new Http2Settings(false, DEFAULT_MAX_CONCURRENT_STREAMS, DEFAULT_INITIAL_WINDOW, DEFAULT_MAX_HEADER_LIST);
    }
}
