package dev.gateway.node.server;

import dev.gateway.config.HostPort;
import dev.gateway.config.ListenerLimits;
import java.io.IOException;
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
                            ListenerGuard guard) {
        HttpServer server = new HttpServer();
        NetworkListener listener = new NetworkListener("proxy", listen.host(), listen.port());
        listener.setTransport(transport);
        // The guard answers 431 at max-header-bytes; Grizzly's own limit is only a backstop.
        listener.setMaxHttpHeaderSize(limits.maxHeaderBytes() + 1024);
        listener.registerAddOn(guard);
        listener.setMaxPendingBytes(MAX_PENDING_WRITE_BYTES);
        listener.getKeepAlive().setIdleTimeoutInSeconds(seconds(limits.idleTimeout().toMillis()));
        listener.getKeepAlive().setMaxRequestsCount(-1);
        listener.setChunkingEnabled(true);
        listener.setTraceEnabled(false);
        listener.setDefaultErrorPageGenerator(new JsonErrorPages());
        server.addListener(listener);
        configure(server.getServerConfiguration(), handler);
        return server;
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

    private static int seconds(long millis) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (millis + 999) / 1000));
    }
}
