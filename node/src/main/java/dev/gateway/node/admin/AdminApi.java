package dev.gateway.node.admin;

/**
 * The read-only {@code /admin/*} calls, by path: {@code /admin/upstreams}, {@code /admin/cluster},
 * {@code /admin/limits/{policy}/{key}}. Immutable; the token check and the HTTP side are the
 * admin listener's.
 */
public final class AdminApi {
    private static final String LIMITS = "/admin/limits/";

    private final UpstreamsView upstreams;
    private final ClusterView cluster;
    private final LimitsView limits;

    public AdminApi(UpstreamsView upstreams, ClusterView cluster, LimitsView limits) {
        this.upstreams = upstreams;
        this.cluster = cluster;
        this.limits = limits;
    }

    /** The same calls with the upstream view the network side builds once its client exists. */
    public AdminApi withUpstreams(UpstreamsView view) {
        return new AdminApi(view, cluster, limits);
    }

    /** Whether {@code path} is a read-only admin call (others get 404). */
    public boolean knows(String path) {
        return path.equals("/admin/upstreams") || path.equals("/admin/cluster") || path.startsWith(LIMITS);
    }

    public AdminReply get(String path) {
        if (path.equals("/admin/upstreams") && upstreams != null) {
            return new AdminReply(200, upstreams.render());
        }
        if (path.equals("/admin/cluster")) {
            return new AdminReply(200, cluster.render());
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
