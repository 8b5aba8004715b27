package dev.gateway.node.runtime;

import dev.gateway.config.RouteConfig;
import dev.gateway.config.SharedConfig;
import dev.gateway.config.TraceExport;
import dev.gateway.config.UpstreamConfig;
import dev.gateway.node.auth.AuthCompiler;
import dev.gateway.node.auth.AuthMetrics;
import dev.gateway.node.auth.AuthRuntime;
import dev.gateway.config.PathPattern;
import dev.gateway.node.aggregate.AggregateInterceptor;
import dev.gateway.node.cache.CacheInterceptor;
import dev.gateway.node.cache.ResponseCaches;
import dev.gateway.node.compression.CompressionInterceptor;
import dev.gateway.node.pipeline.CorrelationIdInterceptor;
import dev.gateway.node.ratelimit.CompiledPolicy;
import dev.gateway.node.ratelimit.RateLimiting;
import dev.gateway.node.pipeline.ForwardInterceptor;
import dev.gateway.node.pipeline.IdentityHeadersInterceptor;
import dev.gateway.node.pipeline.Interceptor;
import dev.gateway.node.pipeline.RedirectToHttpsInterceptor;
import dev.gateway.node.pipeline.RequestHeadersInterceptor;
import dev.gateway.node.pipeline.ResponseHeadersInterceptor;
import dev.gateway.node.pipeline.RewriteInterceptor;
import dev.gateway.node.pipeline.TraceContextInterceptor;
import dev.gateway.node.observability.tracing.Tracer;
import dev.gateway.node.resilience.Breaker;
import dev.gateway.node.resilience.BreakerRegistry;
import dev.gateway.node.resilience.ResilienceEvents;
import dev.gateway.node.resilience.UpstreamResilience;
import dev.gateway.node.routing.Rewriter;
import dev.gateway.node.routing.Route;
import dev.gateway.node.routing.Router;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.UpstreamGroup;
import dev.gateway.node.upstream.health.ActiveHealthChecker;
import dev.gateway.node.upstream.health.HealthRegistry;
import dev.gateway.node.websocket.WebSocketLink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compiles a validated {@link SharedConfig} into a {@link GatewayRuntime}. Each route gets only
 * the links its config asks for, in the order of docs/architecture.md's request path.
 */
public final class RuntimeCompiler {
    private final UpstreamClient client;
    private final String nodeName;
    private final Supplier<String> correlationIds;
    private final HealthRegistry health;
    private final ScheduledExecutorService timer;
    private final Interceptor identityHeaders = new IdentityHeadersInterceptor();
    private final Interceptor traceContext = new TraceContextInterceptor();
    private Function<TraceExport, Tracer> tracers = export -> Tracer.OFF;
    private final AuthCompiler auth;
    private final RateLimiting rateLimiting;
    private final BreakerRegistry breakers;
    private final ResilienceEvents resilienceEvents;
    private ResponseCaches caches;
    private int httpsPort = -1;
    private String redirectHost;

    public RuntimeCompiler(UpstreamClient client, String nodeName, Supplier<String> correlationIds,
                           HealthRegistry health, ScheduledExecutorService timer, RateLimiting rateLimiting) {
        this(client, nodeName, correlationIds, health, timer, rateLimiting, null, ResilienceEvents.NONE);
    }

    /**
     * @param breakers the node's breakers (kept across config versions); null only when no config of this node
     *                 has a circuit-breaker
     */
    public RuntimeCompiler(UpstreamClient client, String nodeName, Supplier<String> correlationIds,
                           HealthRegistry health, ScheduledExecutorService timer, RateLimiting rateLimiting,
                           BreakerRegistry breakers, ResilienceEvents resilienceEvents) {
        this.breakers = breakers;
        this.resilienceEvents = resilienceEvents;
        this.rateLimiting = rateLimiting;
        this.client = client;
        this.nodeName = nodeName;
        this.correlationIds = correlationIds;
        this.health = health;
        this.timer = timer;
        this.auth = new AuthCompiler(timer);
    }

    /**
     * The node's TLS listener port, where {@code redirect-to-https} routes send plain-HTTP requests; -1 without
     * one (such routes then serve plain HTTP as it comes: a TLS terminator in front may forward it).
     */
    public RuntimeCompiler withHttpsPort(int port) {
        this.httpsPort = port;
        return this;
    }

    /**
     * {@code node.tls.redirect-host}: where {@code redirect-to-https} routes without a host condition send plain
     * requests; null (the default) makes them answer 421 rather than redirect to a host the client named.
     */
    public RuntimeCompiler withRedirectHost(String host) {
        this.redirectHost = host;
        return this;
    }

    /**
     * Where {@code observability.tracing.export} gets its tracer (called once per compile with the config's export
     * settings, null when it has none); without this, export is ignored and only propagation happens.
     */
    public RuntimeCompiler withTracers(Function<TraceExport, Tracer> tracerFor) {
        this.tracers = tracerFor;
        return this;
    }

    /** The response stores routes with {@code cache:} use; without them such routes do not compile. */
    public RuntimeCompiler withCaches(ResponseCaches responseCaches) {
        this.caches = responseCaches;
        return this;
    }

    /** Authentication outcomes, JWKS refreshes and introspection figures of every config version compiled here. */
    public AuthMetrics authMetrics() {
        return auth.metrics();
    }

    /** Compiles {@code config} as version 0 (unknown); see {@link #compile(SharedConfig, long)}. */
    public GatewayRuntime compile(SharedConfig config) {
        return compile(config, 0);
    }

    /**
     * Compiles {@code config}, which is the cluster's config version {@code version}: rate-limit buckets made
     * under an older version adopt changed limits without losing their consumption.
     *
     * @throws dev.gateway.node.auth.AuthConfigException when a key or key file of the auth section is unusable
     * @throws RuntimeException                           when something else in the config cannot be built here
     */
    public GatewayRuntime compile(SharedConfig config, long version) {
        Map<String, UpstreamGroup> upstreams = new LinkedHashMap<>();
        Map<String, UpstreamResilience> resilience = new LinkedHashMap<>();
        for (Map.Entry<String, UpstreamConfig> e : config.upstreams().entrySet()) {
            upstreams.put(e.getKey(), new UpstreamGroup(e.getKey(), e.getValue(), health));
            UpstreamConfig u = e.getValue();
            if (u.circuitBreaker() != null && breakers == null) {
                throw new IllegalStateException("upstreams." + e.getKey() + ".circuit-breaker: this node has no breakers");
            }
            Breaker breaker = u.circuitBreaker() == null ? null : breakers.breakerFor(e.getKey(), u.circuitBreaker());
            resilience.put(e.getKey(), UpstreamResilience.of(e.getKey(), u, breaker, timer, resilienceEvents));
        }
        boolean tracing = !"off".equals(config.observability().tracing().propagate());
        Tracer tracer = tracers.apply(config.observability().tracing().export());
        Interceptor trace = tracer == Tracer.OFF ? traceContext : new TraceContextInterceptor(tracer);
        AuthRuntime authRuntime = auth.compile(config);
        Map<String, CompiledPolicy> policies = rateLimiting.compile(config, version);
        List<Route> routes = new ArrayList<>();
        for (RouteConfig rc : config.routes()) {
            Interceptor limits = rateLimiting.linkFor(rc.rateLimits(), policies);
            if (rc.isAggregate()) {
                List<String> problems = AggregateInterceptor.problems("routes." + rc.id(), rc.aggregate(), pathRegexOf(rc));
                if (!problems.isEmpty()) {
                    throw new IllegalArgumentException(String.join("; ", problems));
                }
            }
            routes.add(new Route(rc, chainOf(rc, upstreams.get(rc.upstream()), resilience.get(rc.upstream()), upstreams,
                    tracing ? trace : null, authRuntime, limits)));
        }
        ActiveHealthChecker checker = new ActiveHealthChecker(List.copyOf(upstreams.values()), client, health, timer);
        AutoCloseable versionResources = () -> {
            try (authRuntime) {
                checker.close();
            }
        };
        return new GatewayRuntime(config, new Router(routes), upstreams, policies, versionResources);
    }

    private static java.util.regex.Pattern pathRegexOf(RouteConfig route) {
        PathPattern path = route.match().path();
        return path != null && path.kind() == PathPattern.Kind.REGEX ? path.regex() : null;
    }

    private List<Interceptor> chainOf(RouteConfig route, UpstreamGroup upstream, UpstreamResilience resilience,
                                      Map<String, UpstreamGroup> upstreamGroups, Interceptor traceContext, AuthRuntime auth,
                                      Interceptor rateLimits) {
        List<Interceptor> chain = new ArrayList<>();
        if (route.redirectToHttps() && httpsPort > 0) {
            chain.add(new RedirectToHttpsInterceptor(httpsPort, route.match().host(), redirectHost));
        }
        if (!route.isAggregate()) {
            chain.add(new WebSocketLink(route.id(), route.websocket())); // refuses upgrades unless the route takes them
        }
        if (traceContext != null) {
            chain.add(traceContext);
        }
        chain.add(identityHeaders);
        if (route.request().correlationId() != null) {
            chain.add(new CorrelationIdInterceptor(route.request().correlationId(), correlationIds));
        }
        Interceptor authentication = auth.linkFor(route.auth());
        if (authentication != null) {
            chain.add(authentication);
        }
        if (rateLimits != null) {
            chain.add(rateLimits);
        }
        if (!route.response().removeHeaders().isEmpty() || !route.response().setHeaders().isEmpty()) {
            chain.add(new ResponseHeadersInterceptor(route.response()));
        }
        if (route.compression() != null) {
            chain.add(new CompressionInterceptor(route.compression()));
        }
        if (route.cache() != null) {
            if (caches == null) {
                throw new IllegalStateException("routes." + route.id() + ".cache: this node has no response store");
            }
            // inside compression: the cache keeps what the upstream sent; each client gets it encoded its way
            chain.add(new CacheInterceptor(route.id(), route.cache(), !route.auth().isEmpty(),
                    caches.store(route.cache().scope()), caches.metrics(), System::currentTimeMillis));
        }
        if (!route.request().removeHeaders().isEmpty() || !route.request().setHeaders().isEmpty()) {
            chain.add(new RequestHeadersInterceptor(route.request()));
        }
        Rewriter rewriter = Rewriter.of(route.rewrite());
        if (rewriter != null) {
            chain.add(new RewriteInterceptor(rewriter));
        }
        if (route.isAggregate()) {
            chain.add(new AggregateInterceptor(route.aggregate(), upstreamGroups, pathRegexOf(route), client, timer,
                    nodeName));
        } else {
            chain.add(new ForwardInterceptor(upstream, client, nodeName, route.preserveHost(), resilience));
        }
        return chain;
    }
}
