package dev.gateway.node.pipeline;

import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.UpstreamGroup;
import dev.gateway.node.resilience.ResilientCall;
import dev.gateway.node.resilience.UpstreamResilience;
import dev.gateway.node.http.Body;
import dev.gateway.node.upstream.UpstreamTarget;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.observability.tracing.RequestTrace;
import dev.gateway.node.observability.tracing.TraceSpan;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    private final UpstreamResilience resilience;
    /** {@link #resilience} for WebSocket handshakes: never hedged. */
    private final UpstreamResilience handshakeResilience;

    public ForwardInterceptor(UpstreamGroup upstream, UpstreamClient client, String nodeName, boolean preserveHost) {
        this(upstream, client, nodeName, preserveHost, null);
    }

    /** @param resilience the upstream's breaker, retries and hedging; null (or inactive) for one plain call */
    public ForwardInterceptor(UpstreamGroup upstream, UpstreamClient client, String nodeName, boolean preserveHost,
                              UpstreamResilience resilience) {
        this.upstream = upstream;
        this.client = client;
        this.via = "1.1 " + nodeName;
        this.preserveHost = preserveHost;
        this.resilience = resilience == null || !resilience.active() ? null : resilience;
        this.handshakeResilience = this.resilience == null ? null : this.resilience.withoutHedging();
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        if (resilience != null) {
            return interceptResilient(request);
        }
        UpstreamTarget target = upstream.pick(request);
        if (target == null) {
            request.body().discard();
            throw new GatewayException(503, "no healthy target in upstream " + upstream.name());
        }
        Exchange exchange = request.exchange();
        exchange.upstreamTarget(target.key());
        exchange.upstreamName(upstream.name());
        Headers headers = proxiedHeaders(request, target);
        TraceSpan span = attemptSpan(request, target, headers, 1, "first");
        String pathAndQuery = target.basePath().isEmpty()
                ? request.pathAndQuery()
                : target.basePath() + request.pathAndQuery();
        UpstreamCall call = new UpstreamCall(target, request.method(), pathAndQuery, headers, request.body(),
                exchange, upstream.connectTimeoutNanos(), upstream.responseTimeoutNanos(), upstream.pool(), span);
        long sentAt = System.nanoTime();
        upstream.started(target);
        return client.send(call).handle((response, failure) -> {
            exchange.upstreamNanos(System.nanoTime() - sentAt);
            if (failure != null) {
                upstream.finished(target, false);
                span.end(failure.getClass().getSimpleName());
                throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
            }
            int status = response.status();
            upstream.finished(target, status != 502 && status != 503 && status != 504);
            ended(span, status);
            return proxiedResponse(response);
        });
    }

    /** With a breaker, retries or hedging: each call to a target goes through {@link ResilientCall}. */
    private CompletionStage<GatewayResponse> interceptResilient(GatewayRequest request) {
        Exchange exchange = request.exchange();
        exchange.upstreamName(upstream.name());
        long sentAt = System.nanoTime();
        return ResilientCall.run(exchange.isWebSocket() ? handshakeResilience : resilience, request.method(),
                request.body(), exchange.deadlineNanos(),
                avoid -> upstream.pickAvoiding(request, avoid),
                new ResilientCall.Sender() {
                    @Override
                    public CompletableFuture<GatewayResponse> send(UpstreamTarget target, Body body) {
                        return sendTo(request, target, body, 1, "first");
                    }

                    @Override
                    public CompletableFuture<GatewayResponse> send(UpstreamTarget target, Body body, int attempt,
                                                                   String kind) {
                        return sendTo(request, target, body, attempt, kind);
                    }
                }, exchange.trace()).handle((response, failure) -> {
                    exchange.upstreamNanos(System.nanoTime() - sentAt);
                    if (failure != null) {
                        throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
                    }
                    return proxiedResponse(response);
                });
    }

    /** One call of a resilient request: to {@code target}, with {@code body}; counts for balancing and health. */
    private CompletableFuture<GatewayResponse> sendTo(GatewayRequest request, UpstreamTarget target, Body body,
                                                      int attempt, String kind) {
        Exchange exchange = request.exchange();
        exchange.upstreamTarget(target.key());
        Headers headers = proxiedHeaders(request, target);
        TraceSpan span = attemptSpan(request, target, headers, attempt, kind);
        String pathAndQuery = target.basePath().isEmpty()
                ? request.pathAndQuery()
                : target.basePath() + request.pathAndQuery();
        UpstreamCall call = new UpstreamCall(target, request.method(), pathAndQuery, headers, body,
                exchange, upstream.connectTimeoutNanos(), upstream.responseTimeoutNanos(), upstream.pool(), span);
        upstream.started(target);
        CompletableFuture<GatewayResponse> sent = client.send(call);
        // a hedge cancelled because another call answered first says nothing about the target
        sent.whenComplete((response, failure) -> {
            upstream.finished(target, failure == null
                    ? response.status() != 502 && response.status() != 503 && response.status() != 504
                    : failure instanceof java.util.concurrent.CancellationException);
            if (failure != null) {
                span.end(failure instanceof java.util.concurrent.CancellationException ? "cancelled"
                        : ErrorResponses.unwrap(failure).getClass().getSimpleName());
            } else {
                ended(span, response.status());
            }
        });
        return sent;
    }

    /**
     * The client span of one call to {@code target}; the upstream gets it as the parent in {@code traceparent}
     * (without export the pipeline's own {@code traceparent} stays). Ends at the response head.
     */
    private TraceSpan attemptSpan(GatewayRequest request, UpstreamTarget target, Headers headers, int attempt,
                                  String kind) {
        RequestTrace trace = request.exchange().trace();
        if (trace == RequestTrace.NONE) {
            return TraceSpan.NONE;
        }
        TraceSpan span = trace.client(request.method() + " " + upstream.name());
        if (trace.recording()) {
            span.set("http.request.method", request.method())
                    .set("server.address", target.host())
                    .set("server.port", target.port())
                    .set("gateway.upstream", upstream.name())
                    .set("gateway.upstream.target", target.key())
                    .set("gateway.attempt", attempt)
                    .set("gateway.attempt.kind", kind);
        }
        headers.set("traceparent", span.traceparent());
        return span;
    }

    private static void ended(TraceSpan span, int status) {
        span.set("http.response.status_code", status);
        span.end(status >= 500 ? Integer.toString(status) : null);
    }

    /**
     * The upstream request's headers, built in one pass over the client's: hop-by-hop fields (the fields the
     * client's {@code Connection} named are gone already: removed on arrival, so that they cannot remove what
     * the pipeline added),
     * framing ({@code Content-Length}: the client frames the body itself), {@code Expect} (the
     * gateway has answered 100-continue already) and the fields the gateway sets are left out.
     */
    private Headers proxiedHeaders(GatewayRequest request, UpstreamTarget target) {
        Headers in = request.headers();
        Headers out = new Headers(in.size() + 6);
        String originalHost = null;
        String forwardedFor = null;
        String previousVia = null;
        for (int i = 0; i < in.size(); i++) {
            String name = in.name(i);
            String value = in.value(i);
            if (HopByHop.isHopByHop(name)) {
                if (target.protocol().http2() && name.equalsIgnoreCase("TE") && value.trim().equalsIgnoreCase("trailers")) {
                    out.add("te", "trailers"); // the one TE HTTP/2 allows; gRPC servers require it
                }
                continue; // the fields Connection named went on arrival, before the pipeline added its own
            }
            switch (name.length()) {
                case 4 -> {
                    if (name.equalsIgnoreCase("Host")) {
                        originalHost = value;
                        continue;
                    }
                }
                case 3 -> {
                    if (name.equalsIgnoreCase("Via")) {
                        previousVia = previousVia == null ? value : previousVia + ", " + value;
                        continue;
                    }
                }
                case 6 -> {
                    if (name.equalsIgnoreCase("Expect")) {
                        continue;
                    }
                }
                case 14 -> {
                    if (name.equalsIgnoreCase("Content-Length")) {
                        continue;
                    }
                }
                case 15 -> {
                    if (name.equalsIgnoreCase("X-Forwarded-For")) {
                        forwardedFor = forwardedFor == null ? value : forwardedFor + ", " + value;
                        continue;
                    }
                }
                case 16 -> {
                    if (name.equalsIgnoreCase("X-Forwarded-Host")) {
                        continue;
                    }
                }
                case 17 -> {
                    if (name.equalsIgnoreCase("X-Forwarded-Proto")) {
                        continue;
                    }
                }
                default -> {
                }
            }
            out.add(name, value);
        }
        Exchange exchange = request.exchange();
        out.add("Host", preserveHost && originalHost != null ? originalHost : target.hostHeader());
        out.add("X-Forwarded-For", forwardedFor == null
                ? exchange.clientAddress() : forwardedFor + ", " + exchange.clientAddress());
        out.add("X-Forwarded-Proto", exchange.scheme());
        if (originalHost != null) {
            out.add("X-Forwarded-Host", originalHost);
        }
        out.add("Via", previousVia == null ? via : previousVia + ", " + via);
        if (exchange.isWebSocket()) {
            out.add("Connection", "Upgrade"); // the client's own went on arrival: hop-by-hop
            out.add("Upgrade", "websocket");
        }
        return out;
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
