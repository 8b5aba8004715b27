package dev.gateway.node.server;

import dev.gateway.config.Http2Settings;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http2.Http2AddOn;
import org.glassfish.grizzly.http2.Http2Configuration;

/**
 * HTTP/2 towards clients on a proxy listener ({@code node.http2}), with Grizzly's own HTTP/2 module: h2c by prior
 * knowledge or {@code Upgrade: h2c} on the plain listener, h2 by ALPN on the TLS one. Each stream reaches the same
 * {@link ProxyHttpHandler} as an HTTP/1.1 request, on the selector thread that read it (no worker pool: the handler
 * never blocks). No server push. Abuse of the framing layer is {@link H2FrameGuard}'s, below the codec.
 *
 * <p>grizzly-http2 is not published for the 4.1.0 core the node uses; its 4.0.2 runs on it (only public HTTP and
 * framework types cross between them), proven by the h2 integration tests.
 */
final class Http2Listeners {
    private Http2Listeners() {
    }

    /** Registers HTTP/2 on {@code listener} when {@code settings} enable it; after the listener's other add-ons. */
    static void enable(NetworkListener listener, Http2Settings settings) {
        if (!settings.enabled()) {
            return;
        }
        Http2Configuration configuration = Http2Configuration.builder()
                .maxConcurrentStreams(settings.maxConcurrentStreams())
                .initialWindowSize(settings.initialWindow())
                .maxHeaderListSize(settings.maxHeaderList())
                .enablePush(false)
                .build();
        listener.registerAddOn(new Http2AddOn(configuration));
    }
}
