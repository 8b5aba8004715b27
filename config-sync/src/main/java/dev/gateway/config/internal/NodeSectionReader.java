package dev.gateway.config.internal;

import dev.gateway.config.AdminSettings;
import dev.gateway.config.CertificatePair;
import dev.gateway.config.Cidr;
import dev.gateway.config.ClientAddressConfig;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.Discovery;
import dev.gateway.config.Kubernetes;
import dev.gateway.config.HostPort;
import dev.gateway.config.Http2Settings;
import dev.gateway.config.ListenerLimits;
import dev.gateway.config.Multicast;
import dev.gateway.config.NodeSettings;
import dev.gateway.config.PathSettings;
import dev.gateway.config.Sizes;
import dev.gateway.config.TlsListenerConfig;
import java.util.List;

/** Binds the {@code node:} and {@code cluster:} sections. */
public final class NodeSectionReader {
    private NodeSectionReader() {
    }

    /** The node section, or the defaults when absent; null when it had errors. */
    public static NodeSettings node(Node n) {
        if (!n.present()) {
            return NodeSettings.defaults();
        }
        int mark = n.errors().mark();
        if (!n.object("name", "listen", "tls", "admin", "limits", "state-dir", "client-address", "paths", "http2")) {
            return null;
        }
        String name = n.at("name").text(NodeSettings.DEFAULT_NAME);
        HostPort listen = n.at("listen").parse(HostPort::parse, NodeSettings.DEFAULT_LISTEN);
        TlsListenerConfig tls = tls(n.at("tls"));
        AdminSettings admin = admin(n.at("admin"));
        ListenerLimits limits = limits(n.at("limits"));
        String stateDir = n.at("state-dir").text();
        ClientAddressConfig clientAddress = clientAddress(n.at("client-address"));
        PathSettings paths = paths(n.at("paths"));
        Http2Settings http2 = http2(n.at("http2"));
        return n.build(mark, () -> new NodeSettings(name, listen, tls, admin, limits, stateDir, clientAddress, paths,
                http2));
    }

    private static ClientAddressConfig clientAddress(Node n) {
        if (!n.present()) {
            return ClientAddressConfig.defaults();
        }
        int mark = n.errors().mark();
        if (!n.object("proxy-protocol", "trusted", "forwarded-header")) {
            return null;
        }
        boolean proxyProtocol = n.at("proxy-protocol").bool(false);
        List<Cidr> trusted = n.at("trusted").list(c -> c.parse(Cidr::parse, null));
        String header = n.at("forwarded-header").text();
        return n.build(mark, () -> new ClientAddressConfig(proxyProtocol, trusted, header));
    }

    private static PathSettings paths(Node n) {
        if (!n.present()) {
            return PathSettings.defaults();
        }
        int mark = n.errors().mark();
        if (!n.object("merge-slashes", "escaped-slashes")) {
            return null;
        }
        boolean merge = n.at("merge-slashes").bool(true);
        PathSettings.EscapedSlashes escaped = n.at("escaped-slashes").parse(PathSettings.EscapedSlashes::parse,
                PathSettings.EscapedSlashes.REJECT);
        return n.build(mark, () -> new PathSettings(merge, escaped));
    }

    private static Http2Settings http2(Node n) {
        if (!n.present()) {
            return Http2Settings.defaults();
        }
        int mark = n.errors().mark();
        if (!n.object("enabled", "max-concurrent-streams", "initial-window", "max-header-list")) {
            return null;
        }
        boolean enabled = n.at("enabled").bool(false);
        int streams = n.at("max-concurrent-streams").integer(Http2Settings.DEFAULT_MAX_CONCURRENT_STREAMS);
        int window = intSize(n.at("initial-window"), Http2Settings.DEFAULT_INITIAL_WINDOW);
        int headerList = intSize(n.at("max-header-list"), Http2Settings.DEFAULT_MAX_HEADER_LIST);
        return n.build(mark, () -> new Http2Settings(enabled, streams, window, headerList));
    }

    /** A size that must fit an int: larger ones are an error at {@code n}'s path, never a wrapped value. */
    private static int intSize(Node n, int dflt) {
        long size = n.size(dflt);
        if (size > Integer.MAX_VALUE) {
            n.error("'" + Sizes.format(size) + "' (expected: at most 2147483647 bytes)");
            return dflt;
        }
        return (int) size;
    }

    private static TlsListenerConfig tls(Node n) {
        int mark = n.errors().mark();
        if (!n.object("listen", "certificates", "hsts", "redirect-host")) {
            return null;
        }
        HostPort listen = n.at("listen").required() ? n.at("listen").parse(HostPort::parse, null) : null;
        Node certs = n.at("certificates");
        certs.required();
        List<CertificatePair> pairs = certs.list(c -> {
            int m = c.errors().mark();
            if (!c.object("cert", "key")) {
                return null;
            }
            String cert = c.at("cert").requiredText();
            String key = c.at("key").requiredText();
            return c.build(m, () -> new CertificatePair(cert, key));
        });
        TlsListenerConfig.Hsts hsts = hsts(n.at("hsts"));
        String redirectHost = n.at("redirect-host").text();
        return n.build(mark, () -> new TlsListenerConfig(listen, pairs, hsts, redirectHost));
    }

    private static TlsListenerConfig.Hsts hsts(Node n) {
        if (!n.present()) {
            return null;
        }
        int mark = n.errors().mark();
        if (!n.object("max-age", "include-subdomains", "preload")) {
            return null;
        }
        var maxAge = n.at("max-age").duration(java.time.Duration.ofDays(365));
        boolean sub = n.at("include-subdomains").bool(false);
        boolean preload = n.at("preload").bool(false);
        return n.build(mark, () -> new TlsListenerConfig.Hsts(maxAge, sub, preload));
    }

    private static AdminSettings admin(Node n) {
        if (!n.present()) {
            return AdminSettings.defaults();
        }
        int mark = n.errors().mark();
        if (!n.object("listen", "token")) {
            return null;
        }
        HostPort listen = n.at("listen").parse(HostPort::parse, AdminSettings.DEFAULT_LISTEN);
        Node tokenNode = n.at("token");
        String token = tokenNode.text();
        if (token != null && token.isBlank()) {
            // almost always an environment variable that is set but empty: an admin API open by mistake
            tokenNode.error("is empty (a set but empty environment variable?); leave the key out for no token");
        }
        return n.build(mark, () -> new AdminSettings(listen, token));
    }

    private static ListenerLimits limits(Node n) {
        if (!n.present()) {
            return ListenerLimits.defaults();
        }
        int mark = n.errors().mark();
        if (!n.object("max-header-bytes", "max-body-bytes", "header-timeout", "idle-timeout",
                "max-connections", "drain-timeout")) {
            return null;
        }
        int header = n.at("max-header-bytes").integer(ListenerLimits.DEFAULT_MAX_HEADER_BYTES);
        long body = n.at("max-body-bytes").longValue(ListenerLimits.DEFAULT_MAX_BODY_BYTES);
        var headerTimeout = n.at("header-timeout").duration(ListenerLimits.DEFAULT_HEADER_TIMEOUT);
        var idle = n.at("idle-timeout").duration(ListenerLimits.DEFAULT_IDLE_TIMEOUT);
        int connections = n.at("max-connections").integer(ListenerLimits.DEFAULT_MAX_CONNECTIONS);
        var drain = n.at("drain-timeout").duration(ListenerLimits.DEFAULT_DRAIN_TIMEOUT);
        return n.build(mark, () -> new ListenerLimits(header, body, headerTimeout, idle, connections, drain));
    }

    /** The cluster section, or null when absent or when it had errors. */
    public static ClusterSettings cluster(Node n) {
        int mark = n.errors().mark();
        if (!n.object("name", "mode", "members", "listen", "discovery", "expected-size", "min-size", "allow-minority",
                "backups")) {
            return null;
        }
        ClusterSettings.Mode mode = n.at("mode").parse(NodeSectionReader::mode, ClusterSettings.Mode.EMBEDDED);
        boolean client = mode == ClusterSettings.Mode.CLIENT;
        String name = n.at("name").text(ClusterSettings.DEFAULT_NAME);
        HostPort listen = n.at("listen").parse(HostPort::parse, ClusterSettings.DEFAULT_LISTEN);
        boolean allowMinority = n.at("allow-minority").bool(false);
        Discovery discovery = client ? clientDiscovery(n) : embeddedDiscovery(n);
        if (discovery == null) {
            n.at("expected-size").longValue();
            n.at("min-size").longValue();
            return null;
        }
        if (discovery.multicast() != null && !n.at("expected-size").present()) {
            n.at("expected-size").error("required with multicast discovery (expected: the number of nodes the cluster"
                    + " should have: it sets the quorum, min-size, and the local fallback's share of a limit)");
            return null;
        }
        if (discovery.kubernetes() != null && !n.at("expected-size").present()) {
            n.at("expected-size").error("required with kubernetes discovery (expected: the number of members the"
                    + " cluster should have, the StatefulSet's replicas: it sets the quorum and min-size)");
            return null;
        }
        int expected = n.at("expected-size").integer(ClusterSettings.defaultExpectedSize(discovery));
        int min = n.at("min-size").integer(ClusterSettings.defaultMinSize(expected));
        int backups = n.at("backups").integer(ClusterSettings.defaultBackups(expected));
        return n.build(mark, () -> new ClusterSettings(name, listen, discovery, expected, min, allowMinority, backups,
                mode));
    }

    /** An embedded member: {@code discovery}, never {@code members}. */
    private static Discovery embeddedDiscovery(Node n) {
        if (n.at("members").present()) {
            n.at("members").error("only with mode: client (expected: discovery.static for an embedded node's peers)");
            return null;
        }
        Node d = n.at("discovery");
        return d.required() ? discovery(d) : null;
    }

    /**
     * A client: {@code members} (the static list it connects to) or {@code discovery.kubernetes}; it listens on
     * nothing, so {@code listen} is refused.
     */
    private static Discovery clientDiscovery(Node n) {
        int mark = n.errors().mark();
        if (n.at("listen").present()) {
            n.at("listen").error("not used with mode: client (expected: no listen: a client node opens no cluster port)");
        }
        Node d = n.at("discovery");
        Node members = n.at("members");
        if (d.present() && members.present()) {
            n.error("expected exactly one of: members, discovery.kubernetes");
            return null;
        }
        if (members.present()) {
            List<HostPort> list = members.list(m -> m.parse(HostPort::parse, null));
            if (list.isEmpty() && !n.errors().since(mark)) {
                members.error("[] (expected: at least one member host:port)");
            }
            return n.errors().since(mark) ? null : new Discovery(list, null);
        }
        if (!d.present()) {
            members.error("is required with mode: client (expected: the members' host:port list,"
                    + " or discovery.kubernetes)");
            return null;
        }
        if (d.at("static").present() || d.at("multicast").present()) {
            String key = d.at("static").present() ? "static" : "multicast";
            d.at(key).error("not used with mode: client (expected: cluster.members, or discovery.kubernetes)");
            return null;
        }
        Discovery discovery = discovery(d);
        return n.errors().since(mark) ? null : discovery;
    }

    private static Discovery discovery(Node n) {
        int mark = n.errors().mark();
        if (!n.object("static", "multicast", "kubernetes")) {
            return null;
        }
        List<HostPort> members = n.at("static").list(m -> m.parse(HostPort::parse, null));
        Multicast multicast = multicast(n.at("multicast"));
        Kubernetes kubernetes = kubernetes(n.at("kubernetes"));
        int ways = (members.isEmpty() ? 0 : 1) + (n.at("multicast").present() ? 1 : 0)
                + (n.at("kubernetes").present() ? 1 : 0);
        if (!n.errors().since(mark) && ways != 1) {
            n.error("expected exactly one of: static, multicast, kubernetes");
            return null;
        }
        return n.build(mark, () -> new Discovery(members, multicast, kubernetes));
    }

    private static ClusterSettings.Mode mode(String text) {
        for (ClusterSettings.Mode mode : ClusterSettings.Mode.values()) {
            if (mode.configName().equals(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("'" + text + "' (expected: embedded or client)");
    }

    private static Kubernetes kubernetes(Node n) {
        if (!n.present()) {
            return null;
        }
        int mark = n.errors().mark();
        if (!n.object("service-dns", "service-port")) {
            return null;
        }
        String dns = n.at("service-dns").requiredText();
        int port = n.at("service-port").integer(0);
        return n.build(mark, () -> new Kubernetes(dns, port));
    }

    private static Multicast multicast(Node n) {
        int mark = n.errors().mark();
        if (!n.object("group", "port")) {
            return null;
        }
        String group = n.at("group").requiredText();
        int port = n.at("port").required() ? n.at("port").integer(0) : 0;
        return n.build(mark, () -> new Multicast(group, port));
    }
}
