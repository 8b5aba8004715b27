package dev.gateway.config.internal;

import dev.gateway.config.ClusterSettings;
import dev.gateway.config.NodeSettings;
import dev.gateway.config.Sizes;

/** Writes the {@code node:} and {@code cluster:} sections in canonical form. */
final class NodeSectionWriter {
    private NodeSectionWriter() {
    }

    static Json node(NodeSettings n) {
        Json tls = null;
        if (n.tls() != null) {
            tls = Json.object().put("listen", n.tls().listen()).put("certificates", n.tls().certificates().stream()
                    .map(c -> Json.object().put("cert", c.cert()).put("key", c.key())).toList());
            if (n.tls().hsts() != null) {
                tls.put("hsts", Json.object().put("max-age", n.tls().hsts().maxAge())
                        .put("include-subdomains", n.tls().hsts().includeSubdomains())
                        .put("preload", n.tls().hsts().preload()));
            }
            tls.put("redirect-host", n.tls().redirectHost());
        }
        return Json.object()
                .put("name", n.name())
                .put("listen", n.listen())
                .put("tls", tls)
                .put("admin", Json.object().put("listen", n.admin().listen()).put("token", n.admin().token()))
                .put("limits", Json.object()
                        .put("max-header-bytes", n.limits().maxHeaderBytes())
                        .put("max-body-bytes", n.limits().maxBodyBytes())
                        .put("header-timeout", n.limits().headerTimeout())
                        .put("idle-timeout", n.limits().idleTimeout())
                        .put("max-connections", n.limits().maxConnections())
                        .put("drain-timeout", n.limits().drainTimeout()))
                .put("state-dir", n.stateDir())
                .put("client-address", Json.object()
                        .put("proxy-protocol", n.clientAddress().proxyProtocol())
                        .put("trusted", n.clientAddress().trusted())
                        .put("forwarded-header", n.clientAddress().forwardedHeader()))
                .put("paths", Json.object().put("merge-slashes", n.paths().mergeSlashes())
                        .put("escaped-slashes", n.paths().escapedSlashes().configName()))
                .put("http2", Json.object().put("enabled", n.http2().enabled())
                        .put("max-concurrent-streams", n.http2().maxConcurrentStreams())
                        .put("initial-window", Sizes.format(n.http2().initialWindow()))
                        .put("max-header-list", Sizes.format(n.http2().maxHeaderList())));
    }

    static Json cluster(ClusterSettings c) {
        if (c == null) {
            return null;
        }
        Json discovery = Json.object().put("static", c.discovery().staticMembers());
        if (c.discovery().multicast() != null) {
            discovery.put("multicast", Json.object().put("group", c.discovery().multicast().group())
                    .put("port", c.discovery().multicast().port()));
        }
        if (c.discovery().kubernetes() != null) {
            discovery.put("kubernetes", Json.object().put("service-dns", c.discovery().kubernetes().serviceDns())
                    .put("service-port", c.discovery().kubernetes().servicePort()));
        }
        boolean client = c.mode() == ClusterSettings.Mode.CLIENT;
        boolean members = client && c.discovery().kubernetes() == null;
        return Json.object()
                .put("name", c.name())
                .put("mode", c.mode().configName())
                .put("members", members ? c.discovery().staticMembers() : null)
                .put("listen", client ? null : c.listen())
                .put("discovery", members ? null : discovery)
                .put("expected-size", c.expectedSize())
                .put("min-size", c.minSize())
                .put("allow-minority", c.allowMinority())
                .put("backups", c.backups());
    }
}
