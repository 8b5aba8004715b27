package dev.gateway.node.pipeline;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.routing.Route;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The chain of one request, one instance per link, enforcing the contract of
 * {@link Interceptor.Chain}: {@code proceed} at most once per link, never a null stage, and a
 * terminal link that answers without proceeding. A broken contract is a gateway bug: the request
 * gets a 500 and the bug is logged, instead of hanging the client.
 */
public final class RealChain implements Interceptor.Chain {
    private final List<Interceptor> interceptors;
    private final int index;
    private final GatewayRequest request;
    private final Route route;
    private boolean proceeded;

    private RealChain(List<Interceptor> interceptors, int index, GatewayRequest request, Route route) {
        this.interceptors = interceptors;
        this.index = index;
        this.request = request;
        this.route = route;
    }

    /** Runs {@code request} through {@code interceptors}; the last one must be terminal. */
    public static CompletionStage<GatewayResponse> run(List<Interceptor> interceptors, Route route,
                                                       GatewayRequest request) {
        return new RealChain(interceptors, -1, request, route).proceed(request);
    }

    @Override
    public GatewayRequest request() {
        return request;
    }

    @Override
    public Route route() {
        return route;
    }

    @Override
    public CompletionStage<GatewayResponse> proceed(GatewayRequest next) {
        if (proceeded) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    interceptors.get(index) + " must call proceed() at most once"));
        }
        proceeded = true;
        int nextIndex = index + 1;
        if (nextIndex >= interceptors.size()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "route " + route.id() + " has no terminal interceptor"));
        }
        Interceptor interceptor = interceptors.get(nextIndex);
        CompletionStage<GatewayResponse> stage;
        try {
            stage = interceptor.intercept(new RealChain(interceptors, nextIndex, next, route));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(interceptor + " returned a null stage"));
        }
        return stage;
    }
}
