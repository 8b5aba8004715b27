package dev.gateway.node.server;

import dev.gateway.config.NodeSettings;
import dev.gateway.node.admin.Health;
import dev.gateway.node.observability.AccessLog;
import dev.gateway.node.runtime.RuntimeHolder;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.grizzly.GrizzlyUpstreamClient;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;

/**
 * The network side of a node: the proxy listener, the upstream client sharing its transport
 * (and so its selector threads), and the admin listener. Started together, stopped together.
 */
public final class NodeServers implements AutoCloseable {
    private final HttpServer proxy;
    private final HttpServer admin;
    private final GrizzlyUpstreamClient client;

    private NodeServers(HttpServer proxy, HttpServer admin, GrizzlyUpstreamClient client) {
        this.proxy = proxy;
        this.admin = admin;
        this.client = client;
    }

    /**
     * Binds both listeners; the proxy answers 503 until {@code runtimes} holds a runtime.
     *
     * @throws ListenException when a listener cannot bind; nothing is left running then
     */
    public static NodeServers start(NodeSettings node, RuntimeHolder runtimes, Health health,
                                    Supplier<String> requestIds, ScheduledExecutorService timer,
                                    AccessLog accessLog) throws ListenException {
        int selectors = Math.max(1, Runtime.getRuntime().availableProcessors());
        TCPNIOTransport transport = Servers.proxyTransport(selectors);
        HttpServer proxy = Servers.proxy(node.listen(), node.limits(), transport,
                new ProxyHttpHandler(runtimes, requestIds, node.limits().maxBodyBytes(), accessLog));
        HttpServer admin = Servers.admin(node.admin().listen(), new AdminHttpHandler(health));
        Servers.start(proxy, "node.listen", node.listen());
        try {
            Servers.start(admin, "node.admin.listen", node.admin().listen());
        } catch (ListenException e) {
            proxy.shutdownNow();
            throw e;
        }
        GrizzlyUpstreamClient client = new GrizzlyUpstreamClient(transport, node.limits().maxHeaderBytes() * 4, timer);
        return new NodeServers(proxy, admin, client);
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

    private static int portOf(HttpServer server, String listener) {
        return ((InetSocketAddress) server.getListener(listener).getServerConnection().getLocalAddress()).getPort();
    }

    @Override
    public void close() {
        client.close();
        proxy.shutdownNow();
        admin.shutdownNow();
    }
}
