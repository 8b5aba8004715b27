package dev.gateway.node.server;

import dev.gateway.config.ClientAddressConfig;
import dev.gateway.config.IpAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;

/**
 * The client address of every request on the proxy and TLS listeners, as {@code node.client-address}
 * says: the socket peer's, or the one a trusted balancer gave in a PROXY header (read by
 * {@link ProxyProtocolFilter} and kept on the connection), then, with a {@code forwarded-header},
 * the one {@link ForwardedClient} picks when that peer is trusted. Without either mechanism the
 * socket address, exactly as before. Thread-safe; one per node.
 */
final class ClientAddresses {
    private final ClientAddressConfig config;
    private final Attribute<Peer> peers;
    private final ForwardedClient forwarded;
    private final ProxyProtocolFilter proxyProtocol;

    /** The address a connection speaks for, and whether it is a trusted balancer. */
    record Peer(String address, boolean trusted) {
    }

    /** @param rejected told the reason of each connection refused over a PROXY header, for metrics */
    ClientAddresses(ClientAddressConfig config, Consumer<String> rejected) {
        this.config = config;
        this.peers = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("gateway.client-peer." + System.identityHashCode(this));
        this.forwarded = config.forwardedHeader() == null ? null : new ForwardedClient(config);
        this.proxyProtocol = config.proxyProtocol() ? new ProxyProtocolFilter(rejected, this) : null;
    }

    /**
     * The add-on to register on each proxy listener: with {@code proxy-protocol} it puts the
     * PROXY header reader right after the transport, below TLS and HTTP; otherwise it adds nothing.
     */
    AddOn addOn() {
        return (NetworkListener listener, FilterChainBuilder builder) -> {
            if (proxyProtocol != null) {
                builder.add(builder.indexOfType(TransportFilter.class) + 1, proxyProtocol);
            }
        };
    }

    /** The client address of {@code request}, shown as {@link IpAddresses#format} does. */
    String clientOf(Request request) {
        if (!config.enabled()) {
            return request.getRemoteAddr();
        }
        Peer peer = peerOf(request.getRequest().getConnection());
        if (forwarded == null || !peer.trusted()) {
            return peer.address();
        }
        List<String> values = new ArrayList<>(2);
        for (String v : request.getRequest().getHeaders().values(config.forwardedHeader())) {
            values.add(v);
        }
        return values.isEmpty() ? peer.address() : forwarded.client(peer.address(), values);
    }

    /** Called by the PROXY filter once a trusted peer's header named a client. */
    void proxied(Connection<?> connection, InetSocketAddress source) {
        peers.set(connection, new Peer(IpAddresses.format(source.getAddress()), config.trusts(source.getAddress())));
    }

    /** Whether the connection's socket peer is trusted. */
    boolean trustsSocketPeer(Connection<?> connection) {
        return connection.getPeerAddress() instanceof InetSocketAddress a && config.trusts(a.getAddress());
    }

    private Peer peerOf(Connection<?> connection) {
        Peer peer = peers.get(connection);
        if (peer == null) {
            InetAddress address = connection.getPeerAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
            peer = address == null ? new Peer("", false) : new Peer(IpAddresses.format(address), config.trusts(address));
            peers.set(connection, peer);
        }
        return peer;
    }
}
