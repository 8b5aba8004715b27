package dev.gateway.node.pipeline;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.http.HostNames;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A route's {@code redirect-to-https}: a request that came in over plain HTTP is answered 308 (method and body
 * kept by the client) with {@code Location} on this node's TLS listener; requests over TLS go on. First link of
 * the route, so nothing else runs for a redirected request.
 *
 * <p>{@code Location}'s host is never one the client chose freely (an open redirect otherwise): the route's exact
 * host; for a wildcard host ({@code *.example.com}) the request's host, which matched it; else the node's
 * {@code node.tls.redirect-host}. A route with no host condition on a node without a redirect host answers
 * 421 instead. The port is the redirect host's when it names one, else the TLS listener's (left out when 443).
 */
public final class RedirectToHttpsInterceptor implements Interceptor {
    private final int httpsPort;
    private final String routeHost;
    private final String redirectHost;

    /**
     * @param routeHost    the route's {@code match.host} (exact or {@code *.}wildcard, lower case), or null
     * @param redirectHost {@code node.tls.redirect-host} ({@code host} or {@code host:port}), or null
     */
    public RedirectToHttpsInterceptor(int httpsPort, String routeHost, String redirectHost) {
        this.httpsPort = httpsPort;
        this.routeHost = routeHost;
        this.redirectHost = redirectHost;
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        if ("https".equals(request.exchange().scheme())) {
            return chain.proceed(request);
        }
        request.body().discard();
        String authority = authority(request);
        if (authority == null) {
            return CompletableFuture.completedFuture(ErrorResponses.of(421, "redirect-to-https: this route has no host"
                    + " condition and node.tls.redirect-host is not set; use https directly",
                    request.exchange().requestId()));
        }
        Headers headers = new Headers(2);
        headers.add("Location", "https://" + authority + request.pathAndQuery());
        headers.add("Content-Length", "0");
        return CompletableFuture.completedFuture(new GatewayResponse(308, headers, Body.empty()));
    }

    /** {@code host[:port]} of the Location, or null when this route may not redirect. */
    private String authority(GatewayRequest request) {
        String host;
        if (routeHost != null && !routeHost.startsWith("*.")) {
            host = routeHost;
        } else if (routeHost != null) {
            host = HostNames.withoutPort(request.headers().get("Host"));
            if (!host.endsWith(routeHost.substring(1)) || !host.matches("[a-z0-9.-]+")) {
                return null; // cannot be: the route matched this host
            }
        } else if (redirectHost != null) {
            if (hasPort(redirectHost)) {
                return redirectHost;
            }
            host = redirectHost;
        } else {
            return null;
        }
        if (redirectHost != null && hasPort(redirectHost)) {
            return host + redirectHost.substring(redirectHost.lastIndexOf(':'));
        }
        return httpsPort == 443 ? host : host + ":" + httpsPort;
    }

    private static boolean hasPort(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 && hostPort.indexOf(']') < colon;
    }

    @Override
    public String toString() {
        return "redirect to https";
    }
}
