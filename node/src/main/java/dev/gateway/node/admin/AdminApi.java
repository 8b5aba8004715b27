package dev.gateway.node.admin;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The {@code /admin/*} calls, listed in {@link #ROUTES} (the OpenAPI document, {@code /admin/openapi.json}, is checked
 * against that table by a test). Immutable; the token check and the HTTP side are the admin listener's. Every write
 * ({@code PUT}, {@code DELETE}) is audited ({@link HistoryEndpoints#audit}); a validation ({@code POST}) changes
 * nothing and is not.
 */
public final class AdminApi {
    /** One admin route: a path template ({@code {name}} for a segment) and the methods it answers. */
    public record Route(String template, String methods) {
        /** Whether {@code path} is this route's. */
        public boolean matches(String path) {
            return pattern().matcher(path).matches();
        }

        private Pattern pattern() {
            return Pattern.compile(Pattern.quote(template).replaceAll("\\{[a-z]+\\}", "\\\\E[^/]+\\\\Q"));
        }
    }

    /** Every admin route, in the order they are matched. */
    public static final List<Route> ROUTES = List.of(
            new Route("/admin/upstreams", "GET, HEAD"),
            new Route("/admin/cluster", "GET, HEAD"),
            new Route("/admin/breakers", "GET, HEAD"),
            new Route("/admin/nodes", "GET, HEAD"),
            new Route("/admin/traffic", "GET, HEAD"),
            new Route("/admin/limits/{policy}/{key}", "GET, HEAD"),
            new Route("/admin/config", "GET, HEAD, PUT"),
            new Route("/admin/config/validate", "POST"),
            new Route("/admin/config/history", "GET, HEAD"),
            new Route("/admin/config/diff", "GET, HEAD"),
            new Route("/admin/audit", "GET, HEAD"),
            new Route("/admin/cache/{route}", "DELETE"),
            new Route("/admin/openapi.json", "GET, HEAD"));

    private static final String LIMITS = "/admin/limits/";
    private static final String CONFIG = "/admin/config";
    private static final String VALIDATE = "/admin/config/validate";

    /** What the console's pages read besides the views: the traffic history and the config history and audit. */
    public record Console(TrafficHistory traffic, HistoryEndpoints history, LongSupplier nowMillis) {
    }

    private final UpstreamsView upstreams;
    private final ClusterView cluster;
    private final LimitsView limits;
    private final ConfigEndpoints config;
    private final BreakersView breakers;
    private final CacheAdmin cache;
    private final NodesView nodes;
    private final Console console;

    public AdminApi(UpstreamsView upstreams, ClusterView cluster, LimitsView limits, ConfigEndpoints config,
                    BreakersView breakers, CacheAdmin cache) {
        this(upstreams, cluster, limits, config, breakers, cache, null, null);
    }

    /**
     * @param nodes   {@code GET /admin/nodes}; null: 404
     * @param console the traffic, config history and audit calls; null: 404 (and writes are not audited)
     */
    public AdminApi(UpstreamsView upstreams, ClusterView cluster, LimitsView limits, ConfigEndpoints config,
                    BreakersView breakers, CacheAdmin cache, NodesView nodes, Console console) {
        this.nodes = nodes;
        this.upstreams = upstreams;
        this.cluster = cluster;
        this.limits = limits;
        this.config = config;
        this.breakers = breakers;
        this.cache = cache;
        this.console = console;
    }

    /** The same calls with the upstream view the network side builds once its client exists. */
    public AdminApi withUpstreams(UpstreamsView view) {
        return new AdminApi(view, cluster, limits, config, breakers, cache, nodes, console);
    }

    /** The methods {@code path} answers, as an Allow header value; null for an unknown path (404). */
    public String allowed(String path) {
        if (path.startsWith(CacheAdmin.PREFIX)) {
            return "DELETE";
        }
        if (path.startsWith(LIMITS)) {
            return "GET, HEAD";
        }
        if ((path.equals("/admin/nodes") && nodes == null) || (console == null && consolePath(path))) {
            return null;
        }
        for (Route route : ROUTES) {
            if (route.matches(path)) {
                return route.methods();
            }
        }
        return null;
    }

    private static boolean consolePath(String path) {
        return path.equals("/admin/traffic") || path.equals("/admin/config/history") || path.equals("/admin/config/diff")
                || path.equals("/admin/audit");
    }

    /** A call that changes something ({@code PUT /admin/config}, a cache purge) or takes a body; they need the token. */
    public boolean changes(String method) {
        return method.equals("PUT") || method.equals("POST") || method.equals("DELETE");
    }

    /**
     * A PUT, POST or DELETE with its body; {@link #allowed} said the method is fine.
     *
     * @param caller who sent it, as far as the admin listener can tell (for the audit and the config's publisher)
     */
    public AdminReply write(String method, String path, String query, byte[] body, String caller) {
        if (path.equals(VALIDATE) && method.equals("POST")) {
            return config.validate(body);
        }
        AdminReply reply;
        if (path.startsWith(CacheAdmin.PREFIX) && method.equals("DELETE")) {
            reply = cache.purge(path.substring(CacheAdmin.PREFIX.length()), query);
        } else if (path.equals(CONFIG) && method.equals("PUT")) {
            reply = config.publish(body, caller);
        } else {
            return AdminReply.error(405, "method " + method + " not allowed on " + path);
        }
        if (console != null) {
            console.history().audit(caller, method + " " + path + (query == null ? "" : "?" + query), reply);
        }
        return reply;
    }

    public AdminReply get(String path, String query) {
        if (path.equals(CONFIG)) {
            return config.current(query);
        }
        if (path.equals("/admin/nodes") && nodes != null && query != null && query.contains("with=cluster")) {
            return nodesWithCluster();
        }
        if (console != null) {
            switch (path) {
                case "/admin/traffic" -> {
                    return new AdminReply(200, console.traffic().render(console.nowMillis().getAsLong(),
                            since(query)));
                }
                case "/admin/config/history" -> {
                    return console.history().versions();
                }
                case "/admin/config/diff" -> {
                    return console.history().diff(query);
                }
                case "/admin/audit" -> {
                    return console.history().auditLog();
                }
                default -> {
                    // one of the views below
                }
            }
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
        if (path.equals("/admin/openapi.json")) {
            return OpenApiDocument.reply();
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

    /**
     * {@code GET /admin/nodes?with=cluster}: the nodes and {@code /admin/cluster} as its {@code cluster} member, so the
     * console's Cluster page makes one call a second; the cluster view even when the summaries do not answer.
     */
    private AdminReply nodesWithCluster() {
        String view = cluster.render();
        AdminReply reply = nodes.render();
        return new AdminReply(reply.status(), "{\"cluster\":" + view + "," + reply.json().substring(1));
    }

    /** {@code since=<ms>} of {@code GET /admin/traffic}; 0 (everything kept) without it. */
    private static long since(String query) {
        if (query != null) {
            for (String part : query.split("&")) {
                if (part.startsWith("since=")) {
                    try {
                        return Math.max(0, Long.parseLong(part.substring(6)));
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
        }
        return 0;
    }

    private static String decode(String s) {
        try {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
