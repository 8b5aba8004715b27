package dev.gateway.node.pipeline;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.http.HostNames;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A route's {@code redirect-to-https}: a request that came in over plain HTTP is answered 308 (method and body
 * kept by the client) with {@code Location} on this node's TLS listener (the same host name, its port unless 443);
 * requests over TLS go on. First link of the route, so nothing else runs for a redirected request.
 */
public final class RedirectToHttpsInterceptor implements Interceptor {
    private final int httpsPort;

    public RedirectToHttpsInterceptor(int httpsPort) {
        this.httpsPort = httpsPort;
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        if ("https".equals(request.exchange().scheme())) {
            return chain.proceed(request);
        }
        request.body().discard();
        Headers headers = new Headers(2);
        headers.add("Location", "https://" + hostName(request.headers().get("Host"))
                + (httpsPort == 443 ? "" : ":" + httpsPort) + request.pathAndQuery());
        headers.add("Content-Length", "0");
        return CompletableFuture.completedFuture(new GatewayResponse(308, headers, Body.empty()));
    }

    /** The Host header's name without its port; {@code localhost} when there is none. */
    static String hostName(String host) {
        String name = HostNames.withoutPort(host);
        return name.isEmpty() ? "localhost" : name;
    }

    @Override
    public String toString() {
        return "redirect to https";
    }
}
