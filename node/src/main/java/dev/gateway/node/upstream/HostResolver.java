package dev.gateway.node.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves an upstream host name to its addresses. May block: {@link ResolvedHosts} calls it on its own
 * resolver thread only, never on an I/O or timer thread.
 */
public interface HostResolver {

    /** The JDK's resolver ({@link InetAddress#getAllByName}), with the JVM's own DNS caching. */
    HostResolver JDK = host -> List.of(InetAddress.getAllByName(host));

    /**
     * @return at least one address
     * @throws UnknownHostException when the name cannot be resolved now
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
