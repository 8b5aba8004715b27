package dev.gateway.cluster.member;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.config.properties.PropertyDefinition;
import com.hazelcast.logging.ILogger;
import com.hazelcast.spi.discovery.AbstractDiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryNode;
import com.hazelcast.spi.discovery.DiscoveryStrategy;
import com.hazelcast.spi.discovery.DiscoveryStrategyFactory;
import com.hazelcast.spi.discovery.SimpleDiscoveryNode;
import dev.gateway.config.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The static member list ({@code cluster.discovery.static}) as a Hazelcast discovery strategy that leaves out the
 * peers that do not answer the cluster protocol right now ({@link ClusterProtocolProbe}), and this member itself.
 * Hazelcast asks for it when it joins and then, on the master, on every merge search (5 s after start, then every
 * 5 s), and dials only the addresses it returns. Current members are returned without a probe (Hazelcast leaves
 * them out of the search anyway), so a healthy cluster sees no probe connections at all.
 *
 * <p>Why not Hazelcast's TCP/IP joiner with the same list: its merge search dials every listed address that is not
 * a member, and a frozen member (SIGSTOP, a long pause: its kernel still accepts connections) never answers the
 * protocol bytes. On Hazelcast 5.7 a member connection waiting for those bytes with its handshake queued keeps its
 * output I/O thread in a busy loop that never returns to the selector, so every other connection of that thread
 * that has to wait for socket space stalls: in the Docker SIGSTOP scenario the master's output thread spun at a
 * full core from its first merge search after the removal, its traffic to the other live member stopped, and
 * that member removed it 5 s later, leaving two clusters of one below the quorum. A peer that answers the probe
 * is dialled as before, so a healed partition or a thawed node is still found within one merge round.
 *
 * <p>A listed name is resolved again on every call, to all its addresses: a name with several (a Docker Compose
 * service scaled to N replicas, {@code static: [gateway:5701]}, a headless DNS name) stands for one peer per
 * address, so members that start later, or come back with a new address, are found within one merge round.
 */
final class AnsweringPeers extends AbstractDiscoveryStrategy {
    private final List<HostPort> peers;
    private final HostPort listen;
    private final ClusterProtocolProbe probe;
    private final Supplier<Set<InetSocketAddress>> members;
    private final Resolver resolver;

    /** Every address of a host name ({@link InetAddress#getAllByName} outside tests). */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** @param members the addresses of the current members, empty before this member has started */
    AnsweringPeers(ILogger logger, List<HostPort> peers, HostPort listen, ClusterProtocolProbe probe,
                   Supplier<Set<InetSocketAddress>> members) {
        this(logger, peers, listen, probe, members, InetAddress::getAllByName);
    }

    AnsweringPeers(ILogger logger, List<HostPort> peers, HostPort listen, ClusterProtocolProbe probe,
                   Supplier<Set<InetSocketAddress>> members, Resolver resolver) {
        super(logger, Map.of());
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.peers = List.copyOf(peers);
        this.listen = Objects.requireNonNull(listen, "listen");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.members = Objects.requireNonNull(members, "members");
    }

    /** Blocks for up to two probe timeouts per listed address that is not a member of this cluster. */
    @Override
    public Iterable<DiscoveryNode> discoverNodes() {
        List<DiscoveryNode> answering = new ArrayList<>();
        Set<InetSocketAddress> current = members.get();
        for (HostPort peer : peers) {
            InetAddress[] addresses;
            try {
                addresses = resolver.resolve(peer.host());
            } catch (UnknownHostException e) {
                getLogger().fine("static member " + peer + " does not resolve");
                continue;
            }
            for (InetAddress address : addresses) {
                if (isSelf(address, peer.port())) {
                    continue;
                }
                InetSocketAddress socketAddress = new InetSocketAddress(address, peer.port());
                if (current.contains(socketAddress) || probe.answers(socketAddress)) {
                    // a name of one address keeps it (members may announce names); one of several is each address
                    Address hazelcast = addresses.length == 1 ? new Address(peer.host(), address, peer.port())
                            : new Address(address, peer.port());
                    answering.add(new SimpleDiscoveryNode(hazelcast));
                } else {
                    getLogger().fine("static member " + peer + " (" + address.getHostAddress()
                            + ") does not answer the cluster protocol");
                }
            }
        }
        return answering;
    }

    private boolean isSelf(InetAddress address, int port) {
        if (port != listen.port()) {
            return false;
        }
        try {
            InetAddress bind = InetAddress.getByName(listen.host());
            if (!bind.isAnyLocalAddress()) {
                return bind.equals(address);
            }
            return address.isAnyLocalAddress() || address.isLoopbackAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }

    /**
     * Creates the strategy for {@link MemberConfig}; it has no Hazelcast-side properties. {@link #membersOf}
     * tells it the running member, once there is one.
     */
    static final class Factory implements DiscoveryStrategyFactory {
        private final List<HostPort> peers;
        private final HostPort listen;
        private final ClusterProtocolProbe probe;
        private final AtomicReference<Cluster> cluster = new AtomicReference<>();

        Factory(List<HostPort> peers, HostPort listen, ClusterProtocolProbe probe) {
            this.peers = List.copyOf(peers);
            this.listen = Objects.requireNonNull(listen, "listen");
            this.probe = Objects.requireNonNull(probe, "probe");
        }

        List<HostPort> peers() {
            return peers;
        }

        /** From now on, the members of {@code running} are returned without a probe. */
        void membersOf(Cluster running) {
            cluster.set(Objects.requireNonNull(running, "running"));
        }

        private Set<InetSocketAddress> members() {
            Cluster running = cluster.get();
            if (running == null) {
                return Set.of();
            }
            try {
                return running.getMembers().stream().map(Member::getSocketAddress).collect(Collectors.toSet());
            } catch (HazelcastInstanceNotActiveException e) {
                return Set.of();
            }
        }

        @Override
        public Class<? extends DiscoveryStrategy> getDiscoveryStrategyType() {
            return AnsweringPeers.class;
        }

        @Override
        public DiscoveryStrategy newDiscoveryStrategy(DiscoveryNode local, ILogger logger,
                                                      Map<String, Comparable> properties) {
            return new AnsweringPeers(logger, peers, listen, probe, this::members);
        }

        @Override
        public Collection<PropertyDefinition> getConfigurationProperties() {
            return List.of();
        }
    }
}
