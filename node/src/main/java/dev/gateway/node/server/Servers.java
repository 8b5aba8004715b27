package dev.gateway.node.server;

import dev.gateway.config.HostPort;
import dev.gateway.config.Http2Settings;
import dev.gateway.config.ListenerLimits;
import dev.gateway.config.NodeSettings;
import dev.gateway.node.server.tls.SharedTransportLog;
import dev.gateway.node.server.tls.TlsTermination;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.ServerConfiguration;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;

/** Builds the Grizzly servers of a node with the gateway's settings. */
final class Servers {
    /** Bytes queued for one connection before writers are told to wait (back-pressure). */
    static final int MAX_PENDING_WRITE_BYTES = 1 << 20;
    private static final String PROXY = "proxy";
    private static final String TLS = "tls";

    private Servers() {
    }

    /**
     * The proxy transport: handlers never block, so requests are served on the selector
     * threads themselves (no hand-off per request), one selector per core.
     */
    static TCPNIOTransport proxyTransport(int selectors) {
        TCPNIOTransport transport = TCPNIOTransportBuilder.newInstance()
                .setIOStrategy(SameThreadIOStrategy.getInstance())
                .setSelectorRunnersCount(selectors)
                .setWorkerThreadPoolConfig(null)
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setServerConnectionBackLog(4096)
                .setMaxAsyncWriteQueueSizeInBytes(MAX_PENDING_WRITE_BYTES)
                .setAttributeBuilder(new FastAttributeBuilder())
                .setName("gateway-proxy")
                .build();
        return transport;
    }

    static HttpServer proxy(HostPort listen, ListenerLimits limits, TCPNIOTransport transport, HttpHandler handler,
                            ListenerGuard guard, ClientAddresses addresses, Http2Settings http2) {
        HttpServer server = new HttpServer();
        NetworkListener listener = proxyListener(PROXY, listen, limits, transport, guard, addresses);
        Http2Listeners.enable(listener, http2);
        server.addListener(listener);
        configure(server.getServerConfiguration(), handler);
        // After an early answer Grizzly drains a body's unread rest, never closing on its own: the handler decides
        // (up to ProxyHttpHandler.MAX_DRAIN_BYTES drained, beyond that a lingering close through the guard), since
        // Grizzly's close with the client's bytes still unread resets the connection, destroying the answer.
        server.getServerConfiguration().setMaxPayloadRemainderToSkip(-1);
        return server;
    }

    /**
     * Adds the {@code node.tls.listen} listener to the proxy server, before it starts: the same
     * transport (so the same selector threads), handler, limits, guard and client addresses as the
     * plain listener, with Grizzly's SSL filter in front of the HTTP codec (and a PROXY header reader
     * in front of the SSL filter).
     */
    static void addTls(HttpServer proxy, HostPort listen, ListenerLimits limits, TCPNIOTransport transport,
                       ListenerGuard guard, ClientAddresses addresses, TlsTermination tls, Http2Settings http2) {
        NetworkListener listener = proxyListener(TLS, listen, limits, transport, guard, addresses);
        listener.setSecure(true);
        listener.setSSLEngineConfig(tls.engineConfigurator());
        listener.registerAddOn(tls.addOn());
        Http2Listeners.enable(listener, http2);
        proxy.addListener(listener);
        SharedTransportLog.quietSecondStart();
    }

    private static NetworkListener proxyListener(String name, HostPort listen, ListenerLimits limits,
                                                 TCPNIOTransport transport, ListenerGuard guard,
                                                 ClientAddresses addresses) {
        NetworkListener listener = new NetworkListener(name, listen.host(), listen.port());
        listener.setTransport(transport);
        // The guard answers 431 at max-header-bytes; Grizzly's own limit is only a backstop.
        listener.setMaxHttpHeaderSize(limits.maxHeaderBytes() + 1024);
        // Grizzly's codec less its own 100 Continue for chunked bodies: the handler sends it once the request is admitted
        listener.registerAddOn(ContinueDeferringCodec.addOn());
        listener.registerAddOn(guard);
        listener.registerAddOn(addresses.addOn());
        listener.setMaxPendingBytes(MAX_PENDING_WRITE_BYTES);
        listener.getKeepAlive().setIdleTimeoutInSeconds(seconds(limits.idleTimeout().toMillis()));
        listener.getKeepAlive().setMaxRequestsCount(-1);
        listener.setChunkingEnabled(true);
        listener.setTraceEnabled(false);
        listener.setDefaultErrorPageGenerator(new JsonErrorPages());
        return listener;
    }

    static HttpServer admin(HostPort listen, HttpHandler handler) {
        HttpServer server = new HttpServer();
        NetworkListener listener = new NetworkListener("admin", listen.host(), listen.port());
        listener.setDefaultErrorPageGenerator(new JsonErrorPages());
        listener.setTraceEnabled(false);
        listener.getTransport().setSelectorRunnersCount(1);
        listener.getTransport().setWorkerThreadPoolConfig(
                org.glassfish.grizzly.threadpool.ThreadPoolConfig.defaultConfig()
                        .setCorePoolSize(1).setMaxPoolSize(2).setPoolName("gateway-admin"));
        server.addListener(listener);
        configure(server.getServerConfiguration(), handler);
        return server;
    }

    private static void configure(ServerConfiguration config, HttpHandler handler) {
        config.addHttpHandler(handler);
        config.setJmxEnabled(false);
        config.setPassTraceRequest(false);
        config.setTraceEnabled(false);
        config.setSendFileEnabled(false);
        config.setDefaultErrorPageGenerator(new JsonErrorPages());
        config.setHttpServerName(null);
        config.setHttpServerVersion(null);
    }

    static void start(HttpServer server, String what, HostPort listen) throws ListenException {
        try {
            server.start();
        } catch (IOException e) {
            server.shutdownNow(); // start() has started the server's own threads before the bind failed
            throw new ListenException(what + ": cannot listen on " + listen + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Starts the proxy server with its plain and (when configured) TLS listeners; a bind failure
     * names the listener's config key.
     */
    static void startProxy(HttpServer proxy, NodeSettings node) throws ListenException {
        try {
            proxy.start();
        } catch (IOException e) {
            // Listeners start one by one and the first failure ends start(): it is the first not started.
            NetworkListener failed = proxy.getListeners().stream().filter(l -> !l.isStarted()).findFirst().orElse(null);
            boolean tls = failed != null && failed.getName().equals(TLS);
            proxy.shutdownNow(); // start() has started the server's own threads before the bind failed
            throw new ListenException((tls ? "node.tls.listen" : "node.listen") + ": cannot listen on "
                    + (tls ? node.tls().listen() : node.listen()) + " (" + e.getMessage() + ")", e);
        }
        if (proxy.getListener(TLS) != null) {
            pinProcessors(proxy);
        }
    }

    /**
     * Gives each listener's connections their listener's filter chain. Grizzly's listeners set
     * their chain as the transport's processor when they start, so on a shared transport the
     * last one started would serve every connection. After this, each server socket hands its
     * own chain to the connections it accepts, and the few accepted while the listeners were
     * starting find theirs through the transport's selector, by local port.
     */
    private static void pinProcessors(HttpServer proxy) {
        Map<Integer, FilterChain> byPort = new HashMap<>();
        TCPNIOTransport transport = null;
        for (NetworkListener listener : proxy.getListeners()) {
            Connection<?> server = listener.getServerConnection();
            server.setProcessor(listener.getFilterChain());
            byPort.put(((InetSocketAddress) server.getLocalAddress()).getPort(), listener.getFilterChain());
            transport = listener.getTransport();
        }
        transport.setProcessorSelector((event, connection) ->
                connection.getLocalAddress() instanceof InetSocketAddress local ? byPort.get(local.getPort()) : null);
        transport.setProcessor(null);
    }

    private static int seconds(long millis) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
    }
}
