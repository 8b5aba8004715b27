package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.upstream.UpstreamTarget;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.HttpClientFilter;
import org.glassfish.grizzly.http2.Http2ClientFilter;
import org.glassfish.grizzly.http2.Http2Configuration;
import org.glassfish.grizzly.nio.transport.TCPNIOConnectorHandler;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.npn.AlpnClientNegotiator;

/**
 * The connectors of HTTP/2 targets: {@code h2c} by prior knowledge on one shared chain
 * {@code [transport, reset watch, HTTP codec, HTTP/2, streams]}; {@code h2} with a chain of its own per target,
 * Grizzly's SSL filter under the same stack with engines made for that target (SNI, host name verification, the
 * target's TLS settings) and {@code h2} offered by ALPN: {@link Http2ClientFilter} finds the SSL filter, handshakes
 * and starts HTTP/2 only if the upstream chooses {@code h2} ({@link H2Target} refuses a connection where it did not).
 */
final class H2Connectors {
    private final TCPNIOTransport transport;
    private final int maxResponseHeaderBytes;
    private final Attribute<H2Target.Live> lives;
    private final TCPNIOConnectorHandler plain;
    /** Why an h2 connection's TLS handshake failed, kept on the connection for {@link H2Target}. */
    private final Attribute<Throwable> handshakeFailures = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
            "gateway.upstream.h2.handshake-failure." + System.identityHashCode(this));

    H2Connectors(TCPNIOTransport transport, int maxResponseHeaderBytes, Attribute<H2Target.Live> lives) {
        this.transport = transport;
        this.maxResponseHeaderBytes = maxResponseHeaderBytes;
        this.lives = lives;
        this.plain = TCPNIOConnectorHandler.builder(transport).processor(FilterChainBuilder.stateless()
                .add(new TransportFilter())
                .add(new H2ResetWatch(lives))
                .add(new HttpClientFilter(maxResponseHeaderBytes))
                .add(new Http2ClientFilter(Http2Configuration.builder().priorKnowledge(true).enablePush(false).build()))
                .add(new H2StreamFilter())
                .build()).build();
    }

    /** Where a failed handshake of an h2 connection is kept (null on h2c connections and successful ones). */
    Attribute<Throwable> handshakeFailures() {
        return handshakeFailures;
    }

    /** The connector for {@code target}'s connections: shared for h2c, a new one for an h2 (TLS) target. */
    TCPNIOConnectorHandler forTarget(UpstreamTarget target) {
        if (!target.tls()) {
            return plain;
        }
        AlpnHttp2ClientFilter http2 = new AlpnHttp2ClientFilter();
        return TCPNIOConnectorHandler.builder(transport).processor(FilterChainBuilder.stateless()
                .add(new TransportFilter())
                .add(TlsChain.h2FilterFor(target.tlsContext(), target.host(), target.port(), http2.negotiator(),
                        handshakeFailures))
                .add(new H2ResetWatch(lives))
                .add(new HttpClientFilter(maxResponseHeaderBytes))
                .add(http2)
                .add(new H2StreamFilter())
                .build()).build();
    }

    /** Grizzly's HTTP/2 client filter with its ALPN negotiator in reach, for the SSL filter of the same chain. */
    private static final class AlpnHttp2ClientFilter extends Http2ClientFilter {
        AlpnHttp2ClientFilter() {
            super(Http2Configuration.builder().enablePush(false).build());
        }

        AlpnClientNegotiator negotiator() {
            return getClientAlpnNegotiator();
        }
    }
}
