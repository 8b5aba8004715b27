package dev.gateway.node.admin;

/**
 * The {@code /admin/*} calls, by path: {@code /admin/upstreams}, {@code /admin/cluster},
 * {@code /admin/limits/{policy}/{key}}, {@code /admin/config} (GET, PUT), {@code /admin/config/validate}
 * (POST) and {@code /admin/nodes} (every node's summary). Immutable; the token check and the HTTP side are the admin listener's.
 */
public final class AdminApi {
    private static final String LIMITS = "/admin/limits/";

    private static final String CONFIG = "/admin/config";
    private static final String VALIDATE = "/admin/config/validate";

    private final UpstreamsView upstreams;
    private final ClusterView cluster;
    private final LimitsView limits;
    private final ConfigEndpoints config;
    private final BreakersView breakers;
    private final CacheAdmin cache;
    private final NodesView nodes;

    public AdminApi(UpstreamsView upstreams, ClusterView cluster, LimitsView limits, ConfigEndpoints config,
                    BreakersView breakers, CacheAdmin cache) {
        this(upstreams, cluster, limits, config, breakers, cache, null);
    }

    /** @param nodes {@code GET /admin/nodes}; null: 404 */
    public AdminApi(UpstreamsView upstreams, ClusterView cluster, LimitsView limits, ConfigEndpoints config,
                    BreakersView breakers, CacheAdmin cache, NodesView nodes) {
        this.nodes = nodes;
        this.upstreams = upstreams;
        this.cluster = cluster;
        this.limits = limits;
        this.config = config;
        this.breakers = breakers;
        this.cache = cache;
    }

    /** The same calls with the upstream view the network side builds once its client exists. */
    public AdminApi withUpstreams(UpstreamsView view) {
        return new AdminApi(view, cluster, limits, config, breakers, cache, nodes);
    }

    /** The methods {@code path} answers, as an Allow header value; null for an unknown path (404). */
    public String allowed(String path) {
        if (path.equals(CONFIG)) {
            return "GET, HEAD, PUT";
        }
        if (path.equals(VALIDATE)) {
            return "POST";
        }
        if (path.startsWith(CacheAdmin.PREFIX)) {
            return "DELETE";
        }
        if (path.equals("/admin/upstreams") || path.equals("/admin/cluster") || path.equals("/admin/breakers")
                || path.startsWith(LIMITS) || (path.equals("/admin/nodes") && nodes != null)) {
            return "GET, HEAD";
        }
        return null;
    }

    /** A call that changes something ({@code PUT /admin/config}, a cache purge) or takes a body; they need the token. */
    public boolean changes(String method) {
        return method.equals("PUT") || method.equals("POST") || method.equals("DELETE");
    }

    /** A PUT, POST or DELETE with its body; {@link #allowed} said the method is fine. */
    public AdminReply write(String method, String path, String query, byte[] body) {
        if (path.startsWith(CacheAdmin.PREFIX) && method.equals("DELETE")) {
            return cache.purge(path.substring(CacheAdmin.PREFIX.length()), query);
        }
        if (path.equals(CONFIG) && method.equals("PUT")) {
            return config.publish(body);
        }
        if (path.equals(VALIDATE) && method.equals("POST")) {
            return config.validate(body);
        }
        return AdminReply.error(405, "method " + method + " not allowed on " + path);
    }

    public AdminReply get(String path, String query) {
        if (path.equals(CONFIG)) {
            return config.current(query);
        }
        return get(path);
    }

    public AdminReply get(String path) {
        if (path.equals("/admin/upstreams") && upstreams != null) {
            return new AdminReply(200, upstreams.render());
        }
        if (path.equals("/admin/cluster")) {
            return new AdminReply(200, cluster.render());
        }
        if (path.equals("/admin/breakers")) {
            return new AdminReply(200, breakers.render());
        }
        if (path.equals("/admin/nodes") && nodes != null) {
            return nodes.render();
        }
        if (path.startsWith(LIMITS)) {
            String rest = path.substring(LIMITS.length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) {
                return AdminReply.error(400, "expected /admin/limits/{policy}/{key}");
            }
            return limits.render(decode(rest.substring(0, slash)), decode(rest.substring(slash + 1)));
        }
        return AdminReply.error(404, "no admin endpoint " + path);
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
