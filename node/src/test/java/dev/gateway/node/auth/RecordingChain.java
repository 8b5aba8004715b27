package dev.gateway.node.auth;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.pipeline.Interceptor;
import dev.gateway.node.routing.Route;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The rest of a pipeline that answers 200 and remembers the request it was given. */
final class RecordingChain implements Interceptor.Chain {
    private final GatewayRequest request;
    volatile GatewayRequest proceeded;

    RecordingChain(GatewayRequest request) {
        this.request = request;
    }

    /** A GET of {@code pathAndQuery} with header name/value pairs. */
    static RecordingChain get(String pathAndQuery, String... headers) {
        Headers h = new Headers();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        Exchange exchange = new Exchange("127.0.0.1", "http", System.nanoTime(), "req-1");
        return new RecordingChain(new GatewayRequest(exchange, "GET", path, query, h, Body.empty()));
    }

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
        proceeded = next;
        return CompletableFuture.completedFuture(new GatewayResponse(200, new Headers(), Body.empty()));
    }
}
