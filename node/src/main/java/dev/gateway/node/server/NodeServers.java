package dev.gateway.node.server;

import dev.gateway.config.NodeSettings;
import dev.gateway.node.admin.AdminApi;
import dev.gateway.node.admin.AdminToken;
import dev.gateway.node.admin.Health;
import dev.gateway.node.admin.MetricsEndpoint;
import dev.gateway.node.admin.UpstreamsView;
import dev.gateway.node.observability.FinishedRequests;
import dev.gateway.node.routing.PathNormalizer;
import dev.gateway.node.runtime.RuntimeHolder;
import dev.gateway.node.server.tls.TlsTermination;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.UpstreamClientEvents;
import dev.gateway.node.upstream.UpstreamTarget;
import dev.gateway.node.upstream.ahc.AhcUpstreamClient;
import dev.gateway.node.upstream.grizzly.GrizzlyUpstreamClient;
import dev.gateway.node.websocket.WebSocketTunnels;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;

/**
 * The network side of a node: the proxy listener (and the TLS listener of {@code node.tls}, on
 * the same transport), the upstream client sharing that transport (and so its selector
 * threads), and the admin listener. Started together, stopped together.
 */
public final class NodeServers implements AutoCloseable {
    private final HttpServer proxy;
    private final HttpServer admin;
    private final AdminCalls adminCalls;
    private final UpstreamClient client;
    private final ToIntFunction<UpstreamTarget> openConnections;
    private final ToIntFunction<UpstreamTarget> idleConnections;
    private final ScheduledFuture<?> sweeper;
    private final Duration drainTimeout;
    private final TlsTermination tls;
    private final java.util.concurrent.atomic.AtomicBoolean draining;
    private final WebSocketTunnels webSockets;

    private NodeServers(HttpServer proxy, HttpServer admin, AdminCalls adminCalls, UpstreamClient client,
                        ToIntFunction<UpstreamTarget> openConnections, ToIntFunction<UpstreamTarget> idleConnections,
                        ScheduledFuture<?> sweeper, Duration drainTimeout, TlsTermination tls,
                        java.util.concurrent.atomic.AtomicBoolean draining, WebSocketTunnels webSockets) {
        this.draining = draining;
        this.webSockets = webSockets;
        this.proxy = proxy;
        this.admin = admin;
        this.adminCalls = adminCalls;
        this.client = client;
        this.openConnections = openConnections;
        this.idleConnections = idleConnections;
        this.sweeper = sweeper;
        this.drainTimeout = drainTimeout;
        this.tls = tls;
    }

    /**
     * Binds both listeners; the proxy answers 503 until {@code runtimes} holds a runtime.
     *
     * @throws ListenException when a listener cannot bind; nothing is left running then
     * @throws java.io.UncheckedIOException when a {@code node.tls} certificate cannot be read, before anything binds
     */
    public static NodeServers start(NodeSettings node, RuntimeHolder runtimes, Health health,
                                    Supplier<String> requestIds, ScheduledExecutorService timer,
                                    FinishedRequests finished, Consumer<String> rejected,
                                    MetricsEndpoint metrics, AdminApi adminApi,
                                    UpstreamClientEvents upstreamEvents) throws ListenException {
        int selectors = Math.max(1, Runtime.getRuntime().availableProcessors());
        TCPNIOTransport transport = Servers.proxyTransport(selectors);
        ListenerGuard guard = new ListenerGuard(node.limits(), node.http2(), rejected);
        ClientAddresses addresses = new ClientAddresses(node.clientAddress(), rejected);
        TlsTermination tls = node.tls() == null ? null : TlsTermination.load(node.tls());
        java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
        WebSocketTunnels webSockets = new WebSocketTunnels();
        HttpServer proxy = Servers.proxy(node.listen(), node.limits(), transport,
                new ProxyHttpHandler(runtimes, requestIds, node.limits().maxBodyBytes(), finished,
                        node.tls() == null || node.tls().hsts() == null ? null : node.tls().hsts().headerValue(),
                        draining::get, addresses, new PathNormalizer(node.paths()), guard::linger,
                        new WebSocketUpgrades(webSockets, timer, guard::tunnel),
                        new H2Requests(node.http2().enabled() ? node.http2().maxHeaderList() : 0, rejected,
                                guard::h2FramesOf)),
                guard, addresses,
                node.http2());
        if (tls != null) {
            Servers.addTls(proxy, node.tls().listen(), node.limits(), transport, guard, addresses, tls, node.http2());
        }
        Servers.startProxy(proxy, node);
        // -Dgateway.upstream-client=ahc: grizzly-http-client (own transport), else the lean client on this transport
        UpstreamClient client;
        ToIntFunction<UpstreamTarget> open;
        ToIntFunction<UpstreamTarget> idle;
        if ("ahc".equals(System.getProperty("gateway.upstream-client", "lean"))) {
            AhcUpstreamClient ahc = new AhcUpstreamClient(node.limits().maxHeaderBytes() * 4, timer, upstreamEvents);
            client = ahc;
            open = ahc::openConnections;
            idle = ahc::idleConnections;
        } else {
            GrizzlyUpstreamClient lean = new GrizzlyUpstreamClient(transport, node.limits().maxHeaderBytes() * 4, timer,
                    upstreamEvents);
            client = lean;
            open = lean::openConnections;
            idle = lean::idleConnections;
        }
        UpstreamsView upstreams = new UpstreamsView(runtimes, open, idle);
        AdminCalls adminCalls = new AdminCalls();
        HttpServer admin = Servers.admin(node.admin().listen(), new AdminHttpHandler(health,
                new AdminToken(node.admin().token()), adminApi.withUpstreams(upstreams), metrics, adminCalls));
        try {
            Servers.start(admin, "node.admin.listen", node.admin().listen());
        } catch (ListenException e) {
            adminCalls.close();
            client.close();
            proxy.shutdownNow();
            throw e;
        }
        ScheduledFuture<?> sweeper = timer.scheduleWithFixedDelay(guard::sweep,
                ListenerGuard.SWEEP_MILLIS, ListenerGuard.SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        if (tls != null) {
            tls.watch(timer);
        }
        return new NodeServers(proxy, admin, adminCalls, client, open, idle, sweeper, node.limits().drainTimeout(), tls,
                draining, webSockets);
    }

    /** Open pooled connections to a target, for metrics. */
    public int openConnections(dev.gateway.node.upstream.UpstreamTarget target) {
        return openConnections.applyAsInt(target);
    }

    public int idleConnections(dev.gateway.node.upstream.UpstreamTarget target) {
        return idleConnections.applyAsInt(target);
    }

    /** The WebSocket tunnels open on the proxy listeners. */
    public WebSocketTunnels webSockets() {
        return webSockets;
    }

    public UpstreamClient upstreamClient() {
        return client;
    }

    public int proxyPort() {
        return portOf(proxy, "proxy");
    }

    public int adminPort() {
        return portOf(admin, "admin");
    }

    /** The TLS listener's port, or -1 without {@code node.tls}. */
    public int tlsPort() {
        return tls == null ? -1 : portOf(proxy, "tls");
    }

    private static int portOf(HttpServer server, String listener) {
        return ((InetSocketAddress) server.getListener(listener).getServerConnection().getLocalAddress()).getPort();
    }

    /**
     * From now on every answer closes its connection ({@code Connection: close}), so that clients (and an L4
     * balancer in front) open their next connection elsewhere while this node still serves; used before
     * {@link #close()} on a graceful stop.
     */
    public void beginDrain() {
        draining.set(true);
    }

    /**
     * Stops gracefully: the proxy listener stops accepting at once, requests in flight (and
     * those already received on open connections) are served for up to the drain timeout,
     * responses meanwhile carry {@code Connection: close}, WebSocket tunnels get close 1001 at once; then every
     * connection and pool closes.
     */
    @Override
    public void close() {
        draining.set(true);
        webSockets.shutDown(); // close 1001 to both sides of every tunnel: the drain below waits for them to end
        sweeper.cancel(false);
        if (tls != null) {
            tls.close();
        }
        try {
            proxy.shutdown(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(drainTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The drain timed out: what is still in flight is cut off below.
        }
        client.close();
        proxy.shutdownNow();
        admin.shutdownNow();
        adminCalls.close();
    }
}
