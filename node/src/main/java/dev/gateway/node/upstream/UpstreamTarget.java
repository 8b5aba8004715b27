package dev.gateway.node.upstream;

import dev.gateway.config.UpstreamProtocol;
import dev.gateway.config.Target;
import dev.gateway.node.upstream.tls.UpstreamTlsContext;

/**
 * One target of an upstream, compiled: where to connect, what to send as {@code Host}, and the
 * path prefix from the target URL. Immutable.
 *
 * @param upstream   the upstream's name (pools are per upstream and target)
 * @param key        {@code host:port}, for logs and pool lookup
 * @param tlsContext how to reach an {@code https} target (the JDK defaults when none is given); null when
 *                   {@code tls} is false. Compared by content, so that equal configs make equal targets.
 * @param protocol   HTTP/1.1 or HTTP/2 ({@code upstreams.*.protocol})
 */
public record UpstreamTarget(String upstream, String host, int port, boolean tls, String basePath,
                             String hostHeader, int weight, String key, UpstreamTlsContext tlsContext,
                             UpstreamProtocol protocol) {

    public UpstreamTarget {
        if (protocol == null) {
            protocol = UpstreamProtocol.HTTP1;
        }
        if (!tls) {
            tlsContext = null;
        } else if (tlsContext == null) {
            tlsContext = UpstreamTlsContext.jdkDefaults();
        }
    }

    /** Over HTTP/1.1. */
    public UpstreamTarget(String upstream, String host, int port, boolean tls, String basePath,
                          String hostHeader, int weight, String key, UpstreamTlsContext tlsContext) {
        this(upstream, host, port, tls, basePath, hostHeader, weight, key, tlsContext, UpstreamProtocol.HTTP1);
    }

    /** A target with the JDK's TLS defaults when {@code tls}. */
    public UpstreamTarget(String upstream, String host, int port, boolean tls, String basePath,
                          String hostHeader, int weight, String key) {
        this(upstream, host, port, tls, basePath, hostHeader, weight, key, null);
    }

    /** A target with the JDK's TLS defaults when it is {@code https}. */
    public static UpstreamTarget of(String upstream, Target target) {
        return of(upstream, target, null);
    }

    /** @param tls how the upstream reaches its {@code https} targets; ignored for {@code http} ones */
    public static UpstreamTarget of(String upstream, Target target, UpstreamTlsContext tls) {
        return of(upstream, target, tls, UpstreamProtocol.HTTP1);
    }

    /** @param protocol how the gateway speaks to the target */
    public static UpstreamTarget of(String upstream, Target target, UpstreamTlsContext tls, UpstreamProtocol protocol) {
        boolean defaultPort = target.port() == (target.tls() ? 443 : 80);
        String host = target.host();
        String hostHeader = defaultPort ? host : host + ":" + target.port();
        return new UpstreamTarget(upstream, host, target.port(), target.tls(), target.basePath(),
                hostHeader, target.weight(), host + ":" + target.port(), tls, protocol);
    }

    @Override
    public String toString() {
        return upstream + "/" + key;
    }
}
