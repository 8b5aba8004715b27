package dev.gateway.node.http;

import dev.gateway.node.observability.tracing.RequestTrace;

/**
 * What the gateway knows about one request beyond its HTTP message: who sent it, when, under
 * which id, and the deadline it must be answered by. One object per request, shared by every
 * {@link GatewayRequest} derived from it; written by the request's own pipeline only.
 */
public final class Exchange {
    private final String clientAddress;
    private final String scheme;
    private final long startNanos;
    private String requestId;
    private long deadlineNanos = Long.MAX_VALUE;
    private String deadlineName = "deadline";
    private String routeId;
    private volatile String upstreamTarget;
    private volatile String upstreamName;
    private volatile long upstreamNanos = -1;
    private String traceId;
    private String spanId;
    private volatile RequestTrace trace = RequestTrace.NONE;
    private String consumerId;
    private String consumerPlan;
    private String subject;
    private java.util.Map<String, Object> claims = java.util.Map.of();
    private boolean webSocket;

    public Exchange(String clientAddress, String scheme, long startNanos, String requestId) {
        this.clientAddress = clientAddress;
        this.scheme = scheme;
        this.startNanos = startNanos;
        this.requestId = requestId;
    }

    /**
     * The client's IP address as the node determined it ({@code node.client-address}): a trusted
     * balancer's PROXY header or forwarded header, else the socket peer. Every feature that keys
     * on the client reads it here: {@code ip} rate-limit keys and anonymous consumer keys,
     * {@code ip-hash} and the consistent-hash fallback, {@code X-Forwarded-For}, the access log's
     * {@code client_ip}, aggregation parts.
     */
    public String clientAddress() {
        return clientAddress;
    }

    /** {@code http} or {@code https}: the scheme the client used towards the gateway. */
    public String scheme() {
        return scheme;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The id in error bodies and logs; the correlation id when the route has one. */
    public String requestId() {
        return requestId;
    }

    public void requestId(String id) {
        this.requestId = id;
    }

    /**
     * {@link System#nanoTime()} by which the whole exchange must be over, the response body included; an
     * upstream exchange still running then is cut.
     */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** Tightens the deadline; a later, looser deadline never replaces an earlier one. */
    public void deadlineNanos(long deadline) {
        deadlineNanos(deadline, "deadline");
    }

    /**
     * Tightens the deadline, naming what sets it for error messages ({@code route timeout 3s}); a later, looser
     * deadline never replaces an earlier one.
     */
    public void deadlineNanos(long deadline, String name) {
        if (deadline < this.deadlineNanos) {
            this.deadlineNanos = deadline;
            this.deadlineName = name;
        }
    }

    /** What set {@link #deadlineNanos()}, as 504 messages name it: {@code route timeout 3s}, or {@code deadline}. */
    public String deadlineName() {
        return deadlineName;
    }

    public String routeId() {
        return routeId;
    }

    public void routeId(String routeId) {
        this.routeId = routeId;
    }

    public String upstreamTarget() {
        return upstreamTarget;
    }

    public void upstreamTarget(String target) {
        this.upstreamTarget = target;
    }

    /** The name of the upstream the request went to, or null. */
    public String upstreamName() {
        return upstreamName;
    }

    public void upstreamName(String name) {
        this.upstreamName = name;
    }

    /** Time from sending upstream to the response headers, -1 when nothing was sent. */
    public long upstreamNanos() {
        return upstreamNanos;
    }

    public void upstreamNanos(long nanos) {
        this.upstreamNanos = nanos;
    }

    /** The W3C trace id of this request, or null when tracing is off. */
    public String traceId() {
        return traceId;
    }

    public void traceId(String id) {
        this.traceId = id;
    }

    /**
     * The span id the gateway gave this request's hop (the server span with export, else the id it sent upstream
     * as the parent), or null when tracing is off.
     */
    public String spanId() {
        return spanId;
    }

    public void spanId(String id) {
        this.spanId = id;
    }

    /** This request's spans ({@code observability.tracing.export}); {@link RequestTrace#NONE} without export. */
    public RequestTrace trace() {
        return trace;
    }

    public void trace(RequestTrace trace) {
        this.trace = trace;
    }

    /** The authenticated consumer's id, or null before (or without) authentication. */
    public String consumerId() {
        return consumerId;
    }

    public void consumerId(String id) {
        this.consumerId = id;
    }

    /** The authenticated consumer's plan, or null. */
    public String consumerPlan() {
        return consumerPlan;
    }

    public void consumerPlan(String plan) {
        this.consumerPlan = plan;
    }

    /** The token subject of an authenticated request, or null. */
    public String subject() {
        return subject;
    }

    public void subject(String subject) {
        this.subject = subject;
    }

    /** The verified JWT's claims, empty when the request did not authenticate with one. */
    public java.util.Map<String, Object> claims() {
        return claims;
    }

    public void claims(java.util.Map<String, Object> verified) {
        this.claims = verified == null ? java.util.Map.of() : verified;
    }

    /**
     * The client asked for a WebSocket upgrade ({@code Connection: Upgrade} and {@code Upgrade: websocket} on an
     * HTTP/1.1 GET): set by the listener before the pipeline runs. Those two fields are hop-by-hop and gone from the
     * request's headers; the forwarding link puts them back for the upstream.
     */
    public boolean isWebSocket() {
        return webSocket;
    }

    public void webSocket(boolean upgrade) {
        this.webSocket = upgrade;
    }

    // ----- the client giving up (an HTTP/2 stream it reset): what is still in flight for it stops

    private boolean abandoned;
    private java.util.List<Runnable> onAbandon;
    /** Set once, by the listener, before any upstream call: only an HTTP/2 stream's client can abandon it. */
    private volatile boolean abandonable;

    /** This exchange's client can abandon it ({@link #abandon}): its request is an HTTP/2 stream. */
    public void markAbandonable() {
        abandonable = true;
    }

    /**
     * Runs {@code action} when the client abandons this exchange ({@link #abandon}); at once if it already has.
     * Nothing is kept for an exchange that cannot be abandoned (an HTTP/1.1 request): no allocation per call.
     */
    public void onAbandon(Runnable action) {
        if (!abandonable) {
            return;
        }
        synchronized (this) {
            if (!abandoned) {
                if (onAbandon == null) {
                    onAbandon = new java.util.ArrayList<>(2);
                }
                onAbandon.add(action);
                return;
            }
        }
        action.run();
    }

    /** The client will not read the answer (it reset its HTTP/2 stream): the upstream calls still out are cancelled. */
    public void abandon() {
        java.util.List<Runnable> actions;
        synchronized (this) {
            if (abandoned) {
                return;
            }
            abandoned = true;
            actions = onAbandon;
            onAbandon = null;
        }
        if (actions != null) {
            actions.forEach(Runnable::run);
        }
    }
}
