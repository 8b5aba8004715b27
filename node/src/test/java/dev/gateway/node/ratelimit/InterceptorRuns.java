package dev.gateway.node.ratelimit;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.pipeline.Interceptor;
import dev.gateway.node.routing.Route;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** One {@code GET /} through a rate-limit interceptor whose chain answers 200: its answer, a refusal as the client gets it. */
final class InterceptorRuns {
    private InterceptorRuns() {
    }

    static GatewayResponse run(Interceptor interceptor) {
        return run(interceptor, new Headers());
    }

    /** {@link #run(Interceptor)} with the request carrying {@code headers}. */
    static GatewayResponse run(Interceptor interceptor, Headers headers) {
        return run(interceptor, new Exchange("127.0.0.1", "http", System.nanoTime(), "req"), headers);
    }

    /** {@link #run(Interceptor, Headers)} in {@code exchange} (with its trace, say). */
    static GatewayResponse run(Interceptor interceptor, Exchange exchange, Headers headers) {
        GatewayRequest request = new GatewayRequest(exchange, "GET", "/", null, headers, Body.empty());
        Interceptor.Chain chain = new Interceptor.Chain() {
            @Override
            public GatewayRequest request() {
                return request;
            }

            @Override
            public Route route() {
                return null;
            }

            @Override
            public CompletionStage<GatewayResponse> proceed(GatewayRequest next) {
                return CompletableFuture.completedFuture(new GatewayResponse(200, new Headers(), Body.empty()));
            }
        };
        try {
            return interceptor.intercept(chain).toCompletableFuture()
                    .handle((r, failure) -> failure == null ? r : ErrorResponses.fromFailure(failure, exchange))
                    .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
