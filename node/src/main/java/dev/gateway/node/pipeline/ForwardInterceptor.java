package dev.gateway.node.pipeline;

import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.UpstreamGroup;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.concurrent.CompletionStage;

/**
 * The terminal link: picks a target, makes the request a proxied one (hop-by-hop fields gone,
 * {@code Host} of the target unless the route preserves it, {@code X-Forwarded-*} and
 * {@code Via}) and sends it. The upstream's response comes back with its own hop-by-hop fields
 * removed and {@code Via} added.
 */
public final class ForwardInterceptor implements Interceptor {
    private final UpstreamGroup upstream;
    private final UpstreamClient client;
    private final String via;
    private final boolean preserveHost;

    public ForwardInterceptor(UpstreamGroup upstream, UpstreamClient client, String nodeName, boolean preserveHost) {
        this.upstream = upstream;
        this.client = client;
        this.via = "1.1 " + nodeName;
        this.preserveHost = preserveHost;
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        UpstreamTarget target = upstream.pick(request);
        Exchange exchange = request.exchange();
        exchange.upstreamTarget(target.key());
        Headers headers = proxiedHeaders(request, target);
        String pathAndQuery = target.basePath().isEmpty()
                ? request.pathAndQuery()
                : target.basePath() + request.pathAndQuery();
        UpstreamCall call = new UpstreamCall(target, request.method(), pathAndQuery, headers, request.body(),
                exchange, upstream.connectTimeoutNanos(), upstream.responseTimeoutNanos(), upstream.pool());
        return client.send(call).thenApply(this::proxiedResponse);
    }

    private Headers proxiedHeaders(GatewayRequest request, UpstreamTarget target) {
        Headers headers = request.headers().copy();
        String originalHost = headers.get("Host");
        HopByHop.strip(headers);
        headers.remove("Content-Length"); // the client frames the body itself
        headers.remove("Expect");         // the gateway has answered 100-continue already
        if (!preserveHost || originalHost == null) {
            headers.set("Host", target.hostHeader());
        }
        Exchange exchange = request.exchange();
        String forwardedFor = headers.get("X-Forwarded-For");
        headers.set("X-Forwarded-For", forwardedFor == null
                ? exchange.clientAddress() : forwardedFor + ", " + exchange.clientAddress());
        headers.set("X-Forwarded-Proto", exchange.scheme());
        if (originalHost != null) {
            headers.set("X-Forwarded-Host", originalHost);
        }
        appendVia(headers);
        return headers;
    }

    /** The response's headers are its own, fresh from the upstream client: changed in place. */
    private GatewayResponse proxiedResponse(GatewayResponse response) {
        Headers headers = response.headers();
        HopByHop.strip(headers);
        appendVia(headers);
        return response;
    }

    private void appendVia(Headers headers) {
        String existing = headers.get("Via");
        headers.set("Via", existing == null ? via : existing + ", " + via);
    }

    @Override
    public String toString() {
        return "forward to " + upstream.name();
    }
}
