package dev.gateway.node.server;

import java.net.InetSocketAddress;

/**
 * A PROXY protocol header, as {@link ProxyHeaderParser} read it.
 *
 * @param version 1 (text) or 2 (binary)
 * @param source  the client the balancer connected for; null when the connection's own peer
 *                address stays (v2 {@code LOCAL}, v1 {@code UNKNOWN}, v2 {@code AF_UNSPEC} or {@code AF_UNIX})
 */
record ProxyHeader(int version, InetSocketAddress source) {
}
