package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.net.InetAddress;
import java.util.List;

/**
 * How a node finds the real client of a connection ({@code node.client-address}) when it stands
 * behind a balancer: the PROXY protocol (v1 or v2) on the proxy and TLS listeners, and/or a
 * forwarded header written by an HTTP-mode balancer. Only {@code trusted} peers may speak for
 * a client; everyone else is their own socket address.
 *
 * @param proxyProtocol   true: a connection from a trusted peer must begin with a PROXY header
 * @param trusted         the peers (balancers) allowed to send a PROXY header or the forwarded header
 * @param forwardedHeader null, or the header (e.g. {@code X-Forwarded-For}, {@code Forwarded})
 *                        whose right-most untrusted address is the client when the peer is trusted
 */
public record ClientAddressConfig(boolean proxyProtocol, List<Cidr> trusted, String forwardedHeader) {
    public ClientAddressConfig {
        trusted = Check.list(trusted, "trusted");
        if (forwardedHeader != null) {
            Check.token(forwardedHeader, "forwardedHeader");
        }
        Check.that(!(proxyProtocol && trusted.isEmpty()), "trusted", "[]",
                "at least one CIDR when proxy-protocol is true: only trusted peers may send a PROXY header");
        Check.that(!(forwardedHeader != null && trusted.isEmpty()), "trusted", "[]",
                "at least one CIDR with forwarded-header: only trusted peers may set it");
    }

    /** No PROXY protocol, nobody trusted, no forwarded header: every client is its socket address. */
    public static ClientAddressConfig defaults() {
        return new ClientAddressConfig(false, List.of(), null);
    }

    /** Whether this changes anything: the PROXY protocol or a forwarded header is on. */
    public boolean enabled() {
        return proxyProtocol || forwardedHeader != null;
    }

    /** Whether {@code address} is in one of the {@code trusted} blocks. */
    public boolean trusts(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (Cidr c : trusted) {
            if (c.contains(bytes)) {
                return true;
            }
        }
        return false;
    }
}
