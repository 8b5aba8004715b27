package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.UpstreamClientEvents;
import dev.gateway.node.upstream.UpstreamTarget;
import dev.gateway.node.upstream.tls.UpstreamTlsContext;
import dev.gateway.node.upstream.ResolvedHosts;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.HttpClientFilter;
import dev.gateway.config.UpstreamProtocol;
import org.glassfish.grizzly.nio.transport.TCPNIOConnectorHandler;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;

/**
 * The upstream client on Grizzly's own HTTP codec ({@link HttpClientFilter}) and a
 * keep-alive pool per upstream target. It runs on the transport it is given, normally the
 * proxy listener's, so a request and its upstream call are served by the same selector threads
 * with no hand-off. {@code https} targets connect through a second chain with Grizzly's SSL
 * filter, one per TLS configuration ({@link TlsChain}); their pooled connections are reused as
 * plain ones are. Host names are resolved by {@link ResolvedHosts}, off the I/O and timer threads.
 * The pools of targets that left the config ({@link #retainTargets}) are closed once they have no
 * connection open.
 */
public final class GrizzlyUpstreamClient implements UpstreamClient {
    private static final long EVICT_EVERY_MS = 1000;

    private final ScheduledExecutorService timer;
    private final TCPNIOTransport transport;
    private final int maxResponseHeaderBytes;
    private final Attribute<PooledConnection> attribute;
    private final TCPNIOConnectorHandler connector;
    /** One chain with an SSL filter per TLS configuration in use ({@code https} targets only). */
    private final ConcurrentHashMap<UpstreamTlsContext, TlsChain> tlsChains = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UpstreamTarget, TargetPool> pools = new ConcurrentHashMap<>();
    /** HTTP/2 ({@code protocol: h2c} and {@code h2}) targets: streams multiplexed on a few connections each. */
    private final ConcurrentHashMap<UpstreamTarget, H2Target> h2Targets = new ConcurrentHashMap<>();
    private final H2Connectors h2Connectors;
    private final Attribute<H2Target.Live> h2Lives;
    private final ScheduledFuture<?> evictor;
    private final UpstreamClientEvents events;
    private final ResolvedHosts dns;
    /** The targets of the current config; null until the first call of {@link #retainTargets}. */
    private volatile Set<UpstreamTarget> retained;
    private volatile boolean closed;

    /**
     * @param transport            a started (or soon started) transport to open connections on
     * @param maxResponseHeaderBytes the largest response header block accepted from an upstream
     * @param timer                runs timeouts and idle eviction; owned by the caller
     */
    public GrizzlyUpstreamClient(TCPNIOTransport transport, int maxResponseHeaderBytes, ScheduledExecutorService timer) {
        this(transport, maxResponseHeaderBytes, timer, UpstreamClientEvents.NONE);
    }

    /**
     * @param transport            a started (or soon started) transport to open connections on
     * @param maxResponseHeaderBytes the largest response header block accepted from an upstream
     * @param timer                runs timeouts and idle eviction; owned by the caller
     * @param events               told of response bodies cut by a timeout
     */
    public GrizzlyUpstreamClient(TCPNIOTransport transport, int maxResponseHeaderBytes, ScheduledExecutorService timer,
                                 UpstreamClientEvents events) {
        this(transport, maxResponseHeaderBytes, timer, events, ResolvedHosts.jdk());
    }

    /**
     * @param dns resolves the targets' host names; closed with this client
     */
    public GrizzlyUpstreamClient(TCPNIOTransport transport, int maxResponseHeaderBytes, ScheduledExecutorService timer,
                                 UpstreamClientEvents events, ResolvedHosts dns) {
        this.timer = timer;
        this.events = events;
        this.dns = dns;
        this.transport = transport;
        this.maxResponseHeaderBytes = maxResponseHeaderBytes;
        this.attribute = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
                "gateway.upstream.connection." + System.identityHashCode(this));
        FilterChain chain = FilterChainBuilder.stateless()
                .add(new TransportFilter())
                .add(HeadFirstChunkedResponses.codec(maxResponseHeaderBytes))
                .add(new UpstreamFilter(attribute))
                .build();
        this.connector = TCPNIOConnectorHandler.builder(transport).processor(chain).build();
        this.h2Lives = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
                "gateway.upstream.h2.connection." + System.identityHashCode(this));
        this.h2Connectors = new H2Connectors(transport, maxResponseHeaderBytes, h2Lives);
        this.evictor = timer.scheduleWithFixedDelay(this::evictIdle, EVICT_EVERY_MS, EVICT_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<GatewayResponse> send(UpstreamCall call) {
        if (closed) {
            return CompletableFuture.failedFuture(new GatewayException(503, "gateway is shutting down"));
        }
        UpstreamTarget target = call.target();
        if (target.protocol() == UpstreamProtocol.H2C || target.protocol() == UpstreamProtocol.H2) {
            H2Target h2 = h2Targets.computeIfAbsent(target, t -> new H2Target(t.host(), t.port(),
                    h2Connectors.forTarget(t), dns, h2Lives, t.tls(), h2Connectors.handshakeFailures()));
            H2Exchange exchange = new H2Exchange(call, h2, timer);
            exchange.start();
            return exchange.future();
        }
        UpstreamCall.PoolSettings settings = call.pool();
        TargetPool pool = pools.get(target);
        if (pool == null) {
            pool = pools.computeIfAbsent(target, k -> new TargetPool(target.host(), target.port(),
                    connector, tlsChainFor(target), attribute, timer, dns, settings));
        }
        pool.configure(settings);
        UpstreamExchange exchange = new UpstreamExchange(call, pool, timer, events);
        exchange.start();
        return exchange.future();
    }

    private TlsChain tlsChainFor(UpstreamTarget target) {
        if (!target.tls()) {
            return null;
        }
        return tlsChains.computeIfAbsent(target.tlsContext(),
                context -> new TlsChain(context, transport, maxResponseHeaderBytes, attribute));
    }

    /** Open connections (in use, idle or opening) to one target; for metrics and tests. */
    public int openConnections(UpstreamTarget target) {
        H2Target h2 = h2Targets.get(target);
        if (h2 != null) {
            return h2.openConnections();
        }
        TargetPool pool = pools.get(target);
        return pool == null ? 0 : pool.openConnections();
    }

    public int idleConnections(UpstreamTarget target) {
        H2Target h2 = h2Targets.get(target);
        if (h2 != null) {
            return h2.idleConnections();
        }
        TargetPool pool = pools.get(target);
        return pool == null ? 0 : pool.idleConnections();
    }

    /**
     * The targets of the config now in force: the pools of all others are retired (their idle connections
     * close at once, busy ones when their exchange ends) and dropped once no connection is open. A retired
     * target that a call still reaches (a request of the previous config draining) is served as before.
     */
    @Override
    public void retainTargets(Set<UpstreamTarget> targets) {
        retained = Set.copyOf(targets);
        for (Map.Entry<UpstreamTarget, TargetPool> e : pools.entrySet()) {
            if (retained.contains(e.getKey())) {
                e.getValue().unretire();
            } else {
                e.getValue().retire();
            }
        }
        dropRetired();
    }

    /** Targets that have a pool (open connections or not), HTTP/2 ones included; for tests. */
    public Set<UpstreamTarget> pooledTargets() {
        Set<UpstreamTarget> all = new java.util.HashSet<>(pools.keySet());
        all.addAll(h2Targets.keySet());
        return Set.copyOf(all);
    }

    @Override
    public void close() {
        closed = true;
        evictor.cancel(false);
        pools.values().forEach(TargetPool::close);
        h2Targets.values().forEach(H2Target::close);
        dns.close();
    }

    private void evictIdle() {
        long now = System.nanoTime();
        for (TargetPool pool : pools.values()) {
            pool.evictIdle(now);
        }
        for (H2Target h2 : h2Targets.values()) {
            h2.evictIdle(now);
        }
        dropRetired();
    }

    private void dropRetired() {
        Set<UpstreamTarget> keep = retained;
        if (keep == null) {
            return;
        }
        for (Map.Entry<UpstreamTarget, H2Target> e : h2Targets.entrySet()) {
            if (!keep.contains(e.getKey()) && e.getValue().closeIfIdle()) {
                h2Targets.remove(e.getKey(), e.getValue()); // a draining request that comes later opens a new one
            }
        }
        for (Map.Entry<UpstreamTarget, TargetPool> e : pools.entrySet()) {
            TargetPool pool = e.getValue();
            if (!keep.contains(e.getKey())) {
                pool.retire(); // also a pool made after the last retainTargets by a draining request
                if (pool.openConnections() == 0) {
                    pools.remove(e.getKey(), pool);
                }
            }
        }
    }
}
