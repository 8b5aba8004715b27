package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.upstream.tls.UpstreamTlsContext;
import java.io.EOFException;
import java.io.IOException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.nio.transport.TCPNIOConnectorHandler;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.npn.AlpnClientNegotiator;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.ssl.SSLFilter;

/**
 * The filter chain and connector for the {@code https} targets of one {@link UpstreamTlsContext}:
 * {@code [transport, SSL, HTTP codec, upstream]}, so that the codec and the exchange see plaintext
 * as on plain connections. A connection handshakes as soon as it is connected, before the pool
 * hands it to an exchange (see {@link TargetPool}), with an engine made for its target: SNI,
 * host name verification, TLS 1.3/1.2.
 */
final class TlsChain {
    private static final String[] ALPN_H2 = {"h2", "http/1.1"};

    private final UpstreamTlsContext context;
    private final SSLFilter ssl;
    private final TCPNIOConnectorHandler connector;

    TlsChain(UpstreamTlsContext context, TCPNIOTransport transport, int maxResponseHeaderBytes,
             Attribute<PooledConnection> attribute) {
        this.context = context;
        // Both configurators make client engines of this context: this chain never accepts connections.
        this.ssl = new SSLFilter(new TargetEngines(context, null, -1), new TargetEngines(context, null, -1), false);
        FilterChain chain = FilterChainBuilder.stateless()
                .add(new TransportFilter())
                .add(ssl)
                .add(HeadFirstChunkedResponses.codec(maxResponseHeaderBytes))
                .add(new UpstreamFilter(attribute))
                .build();
        this.connector = TCPNIOConnectorHandler.builder(transport).processor(chain).build();
    }

    /**
     * An SSL filter for one {@code h2} target's chain: its engines are all for {@code host:port} and offer
     * {@code h2} (then {@code http/1.1}) by ALPN. {@code Http2ClientFilter} starts the handshake itself; Grizzly's own
     * client side of ALPN does not work on this JDK (it needs a patched SSL engine), so when a handshake completes
     * this filter tells {@code negotiator} what the server chose before the handshake's own completion handler
     * lets the connection go on: HTTP/2 starts only on {@code h2}, and its preface is written before any stream.
     * A failed handshake is kept in {@code failures} and lets the connection go on too (closed): Grizzly would
     * otherwise never complete its connect, and the caller would learn nothing until its connect timeout.
     */
    static SSLFilter h2FilterFor(UpstreamTlsContext context, String host, int port, AlpnClientNegotiator negotiator,
                                 Attribute<Throwable> failures) {
        TargetEngines engines = new TargetEngines(context, host, port, ALPN_H2);
        return new SSLFilter(engines, engines.copy(), false) {
            @Override
            @SuppressWarnings("rawtypes")
            public void handshake(Connection connection, CompletionHandler<SSLEngine> done) throws IOException {
                super.handshake(connection, new CompletionHandler<>() {
                    @Override
                    public void completed(SSLEngine engine) {
                        String chosen = engine.getApplicationProtocol();
                        negotiator.protocolSelected(engine, chosen == null || chosen.isEmpty() ? "http/1.1" : chosen);
                        done.completed(engine);
                    }

                    @Override
                    public void failed(Throwable error) {
                        failures.set(connection, error);
                        done.completed(null);
                    }

                    @Override
                    public void cancelled() {
                        done.cancelled();
                    }

                    @Override
                    public void updated(SSLEngine engine) {
                        done.updated(engine);
                    }
                });
            }
        };
    }

    TCPNIOConnectorHandler connector() {
        return connector;
    }

    /**
     * Starts the client handshake of a connected {@code connection} to {@code host:port};
     * {@code done} learns how it ended (it fails when the connection closes first).
     */
    void handshake(Connection<?> connection, String host, int port, CompletionHandler<SSLEngine> done) {
        try {
            ssl.handshake(connection, done, null, new TargetEngines(context, host, port));
        } catch (IOException | RuntimeException e) {
            done.failed(e);
        }
    }

    /** Why a handshake or TLS connection failed, in the JDK's words when it has some. */
    static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLException && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return "the upstream closed the connection";
            }
        }
        if (error == null) {
            return "unknown error";
        }
        return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    }

    /** True when {@code error} (or one of its causes) comes from the TLS layer. */
    static boolean isTls(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes the engines of one context; the SSL filter asks it for the engine of a new connection.
     * With a host, every engine is for that target (Grizzly would otherwise name the peer by its
     * socket address); the context sets every parameter, so {@link #configure} leaves engines be.
     */
    private static final class TargetEngines extends SSLEngineConfigurator {
        private final UpstreamTlsContext context;
        private final String host;
        private final int port;
        /** The protocols offered by ALPN, null for none. */
        private final String[] alpn;

        TargetEngines(UpstreamTlsContext context, String host, int port) {
            this(context, host, port, null);
        }

        TargetEngines(UpstreamTlsContext context, String host, int port, String[] alpn) {
            this.context = context;
            this.host = host;
            this.port = port;
            this.alpn = alpn;
            this.clientMode = true;
        }

        @Override
        public SSLEngine createSSLEngine() {
            return createSSLEngine(null, -1);
        }

        @Override
        public SSLEngine createSSLEngine(String peerHost, int peerPort) {
            if (host == null && peerHost == null) {
                throw new IllegalStateException("no host to verify the upstream's certificate against");
            }
            SSLEngine engine = host != null ? context.newEngine(host, port) : context.newEngine(peerHost, peerPort);
            if (alpn != null) {
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setApplicationProtocols(alpn.clone());
                engine.setSSLParameters(parameters);
            }
            return engine;
        }

        @Override
        public SSLEngine configure(SSLEngine engine) {
            return engine;
        }

        @Override
        public SSLEngineConfigurator copy() {
            return new TargetEngines(context, host, port, alpn);
        }
    }
}
