package dev.gateway.node.upstream;

import dev.gateway.config.Target;

/**
 * One target of an upstream, compiled: where to connect, what to send as {@code Host}, and the
 * path prefix from the target URL. Immutable.
 *
 * @param upstream the upstream's name (pools are per upstream and target)
 * @param key      {@code host:port}, for logs and pool lookup
 */
public record UpstreamTarget(String upstream, String host, int port, boolean tls, String basePath,
                             String hostHeader, int weight, String key) {

    public static UpstreamTarget of(String upstream, Target target) {
        boolean defaultPort = target.port() == (target.tls() ? 443 : 80);
        String host = target.host();
        String hostHeader = defaultPort ? host : host + ":" + target.port();
        return new UpstreamTarget(upstream, host, target.port(), target.tls(), target.basePath(),
                hostHeader, target.weight(), host + ":" + target.port());
    }

    @Override
    public String toString() {
        return upstream + "/" + key;
    }
}
