package dev.gateway.node.websocket;

import dev.gateway.config.WebSocketConfig;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.pipeline.Interceptor;
import java.util.concurrent.CompletionStage;

/**
 * The first link of every forwarding route, for WebSocket upgrades only (other requests pass untouched). A route
 * without {@code websocket} refuses them with 400: its upstream was never said to speak WebSocket. A route with it lets
 * the handshake through the rest of its chain (auth, rate limits, the breaker: a refusal there is an ordinary answer,
 * never a 101) and gives the upstream's 101 the route's {@code idle-timeout} and {@code max-message}.
 */
public final class WebSocketLink implements Interceptor {
    private final String routeId;
    private final WebSocketConfig config;

    /** @param config the route's {@code websocket}, null when it has none */
    public WebSocketLink(String routeId, WebSocketConfig config) {
        this.routeId = routeId;
        this.config = config;
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        if (!request.exchange().isWebSocket()) {
            return chain.proceed(request);
        }
        if (config == null) {
            request.body().discard();
            throw new GatewayException(400, "route " + routeId + " does not accept WebSocket upgrades"
                    + " (routes[].websocket is not set)");
        }
        return chain.proceed(request).thenApply(response -> response.status() == 101
                && response.body() instanceof UpgradedBody upgraded
                ? new GatewayResponse(101, response.headers(),
                        upgraded.withLimits(config.idleTimeout().toNanos(), config.maxMessage()))
                : response);
    }

    @Override
    public String toString() {
        return "websocket " + (config == null ? "refused" : "accepted");
    }
}
