package dev.gateway.node.runtime;

import dev.gateway.config.SharedConfig;
import dev.gateway.limiter.LimitSpec;
import dev.gateway.node.ratelimit.CompiledPolicy;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.pipeline.RealChain;
import dev.gateway.node.routing.PathNormalizer;
import dev.gateway.node.routing.Route;
import dev.gateway.node.routing.Router;
import dev.gateway.node.upstream.UpstreamGroup;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Everything one config version needs to serve requests, compiled once: routes with their
 * chains, upstream groups, the router. Immutable; served by {@link RuntimeHolder}, which
 * swaps whole runtimes and closes an old one once its in-flight requests are done.
 */
public final class GatewayRuntime implements AutoCloseable {
    private final SharedConfig config;
    private final Router router;
    private final Map<String, UpstreamGroup> upstreams;
    private final AutoCloseable healthChecks;
    private final Map<String, CompiledPolicy> policies;
    private final boolean accessLogEnabled;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;
    private volatile boolean closed;

    GatewayRuntime(SharedConfig config, Router router, Map<String, UpstreamGroup> upstreams,
                   Map<String, CompiledPolicy> policies, AutoCloseable healthChecks) {
        this.policies = Map.copyOf(policies);
        this.config = config;
        this.router = router;
        this.upstreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreams));
        this.healthChecks = healthChecks;
        this.accessLogEnabled = !"off".equals(config.observability().accessLog().format());
    }

    /** The spec of rate-limit policy {@code name} in this config version, or null. */
    public LimitSpec limitSpec(String name) {
        CompiledPolicy policy = policies.get(name);
        return policy == null ? null : policy.spec();
    }

    /** Whether finished requests of this config version go to the access log. */
    public boolean accessLogEnabled() {
        return accessLogEnabled;
    }

    public SharedConfig config() {
        return config;
    }

    public Router router() {
        return router;
    }

    public Map<String, UpstreamGroup> upstreams() {
        return upstreams;
    }

    /**
     * Routes and runs one request. Never fails: every failure becomes the gateway's JSON error
     * response (404 no route, 405 with {@code Allow}, statuses of {@code GatewayException}s,
     * 500 for bugs). A path whose route changes when its path parameters ({@code ;...}) are left out is
     * refused (400): an upstream that drops them (Tomcat, Spring) would serve another route than the one matched.
     */
    public CompletionStage<GatewayResponse> handle(GatewayRequest request) {
        Exchange exchange = request.exchange();
        Route route = router.match(request.method(), request.headers().get("Host"), request.path(),
                request.headers(), request.query());
        if (request.path().indexOf(';') >= 0 && route != router.match(request.method(), request.headers().get("Host"),
                PathNormalizer.withoutParameters(request.path()), request.headers(), request.query())) {
            // Tomcat and Spring drop path parameters before routing: /admin;x/a would reach their /admin/a
            return CompletableFuture.completedFuture(ErrorResponses.of(400, "path parameters (;) change the route of "
                    + request.path() + ": send the path without them", exchange.requestId()));
        }
        if (route == null) {
            return CompletableFuture.completedFuture(noRoute(request));
        }
        exchange.routeId(route.id());
        if (route.timeoutNanos() > 0) {
            exchange.deadlineNanos(exchange.startNanos() + route.timeoutNanos(), route.timeoutName());
        }
        dev.gateway.node.grpc.GrpcTimeout.apply(request);
        return RealChain.run(route.interceptors(), route, request)
                .handle((response, failure) -> failure == null ? response : ErrorResponses.fromFailure(failure, exchange));
    }

    private GatewayResponse noRoute(GatewayRequest request) {
        Set<String> allowed = router.allowedMethods(request.headers().get("Host"), request.path(),
                request.headers(), request.query());
        String id = request.exchange().requestId();
        if (allowed.isEmpty()) {
            return ErrorResponses.of(404, "no route for " + request.method() + " " + request.path(), id);
        }
        Headers headers = new Headers(2).add("Allow", String.join(", ", allowed));
        return ErrorResponses.of(405, "method " + request.method() + " not allowed here", id, headers);
    }

    /** @return false when this runtime was retired meanwhile: take the current one instead */
    boolean enter() {
        inFlight.incrementAndGet();
        if (retired) {
            exit();
            return false;
        }
        return true;
    }

    /** One request that {@link #enter() entered} has finished, its response fully written. */
    public void exit() {
        if (inFlight.decrementAndGet() == 0 && retired) {
            close();
        }
    }

    void retire() {
        retired = true;
        if (inFlight.get() == 0) {
            close();
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Pools belong to the node's upstream client and survive reloads; this version's
        // health probes stop here.
        try {
            healthChecks.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing health checks", e);
        }
    }

    public boolean isClosed() {
        return closed;
    }
}
