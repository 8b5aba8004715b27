package dev.gateway.node.upstream.ahc;

import com.ning.http.client.AsyncHttpClient;
import com.ning.http.client.AsyncHttpClientConfig;
import com.ning.http.client.ConnectionPoolPartitioning;
import com.ning.http.client.RequestBuilder;
import com.ning.http.client.providers.grizzly.FeedableBodyGenerator;
import com.ning.http.client.providers.grizzly.GrizzlyAsyncHttpProvider;
import com.ning.http.client.providers.grizzly.GrizzlyAsyncHttpProviderConfig;
import com.ning.http.client.providers.grizzly.TransportCustomizer;
import com.ning.http.client.uri.Uri;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.UpstreamClientEvents;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.HttpClientFilter;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;

/**
 * The upstream client on grizzly-http-client (the Grizzly AsyncHttpClient, AHC 1.x API with the
 * Grizzly provider), behind the same port as the lean {@code upstream.grizzly} client so that the
 * two can be measured side by side ({@code -Dgateway.upstream-client=ahc}).
 *
 * <p>One {@link AsyncHttpClient}: keep-alive pooling on (a {@link TargetPools} pool whose
 * per-target sub-pools take the call's {@link UpstreamCall.PoolSettings} and connect timeout
 * when they are first made), no redirects, no compression, no cookies, no retries, no proxy, no
 * URL re-encoding, no request timeout of its own (this client's timer does it, see
 * {@link AhcExchange}). The library's transport is its own (AHC builds it; it cannot share the
 * proxy listener's), customized to serve on its selector threads ({@code SameThreadIOStrategy}),
 * one per core, with two filters of ours: {@link ReadingConnection} (lets the response body
 * pause reading) and {@link RequestHeadScrubber} (drops the {@code User-Agent}, {@code Accept}
 * and {@code Connection} fields AHC adds on its own).
 *
 * <p>{@code https} targets are not supported: a node with this client refuses configs that have
 * them ({@link dev.gateway.node.runtime.FeatureGate}), and a call to one fails with 502.
 */
public final class AhcUpstreamClient implements UpstreamClient {
    /** Pool bounds until a call says otherwise (the per-target customizer replaces them). */
    private static final int DEFAULT_MAX_CONNECTIONS = 256;
    private static final long DEFAULT_IDLE_MILLIS = 60_000;
    /**
     * Why {@code https} targets fail with this client: AHC would reach them with its own TLS
     * defaults, not with the upstream's {@code tls} section (its CA, client certificate, host name
     * checks), so it does not reach them at all.
     */
    public static final String TLS_UNSUPPORTED =
            "upstream TLS (https targets) is not supported by the ahc upstream client (-Dgateway.upstream-client=ahc)";

    private final ScheduledExecutorService timer;
    private final UpstreamClientEvents events;
    private final AsyncHttpClient client;
    private final TargetPools pools;
    private final ConcurrentHashMap<UpstreamTarget, Route> routes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param maxResponseHeaderBytes the largest response header block accepted from an upstream
     * @param timer                  runs the response timeouts; owned by the caller
     */
    public AhcUpstreamClient(int maxResponseHeaderBytes, ScheduledExecutorService timer) {
        this(maxResponseHeaderBytes, timer, UpstreamClientEvents.NONE);
    }

    /** @param events told of response bodies cut by a timeout */
    public AhcUpstreamClient(int maxResponseHeaderBytes, ScheduledExecutorService timer, UpstreamClientEvents events) {
        this(maxResponseHeaderBytes, timer, Math.max(1, Runtime.getRuntime().availableProcessors()), events);
    }

    public AhcUpstreamClient(int maxResponseHeaderBytes, ScheduledExecutorService timer, int selectors) {
        this(maxResponseHeaderBytes, timer, selectors, UpstreamClientEvents.NONE);
    }

    public AhcUpstreamClient(int maxResponseHeaderBytes, ScheduledExecutorService timer, int selectors,
                             UpstreamClientEvents events) {
        this.timer = timer;
        this.events = events;
        this.pools = TargetPools.create(DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_MILLIS);
        // FeedableBodyGenerator hands its first flush to the transport's worker pool when it starts
        // on a Grizzly thread, and AHC wants an executor for its futures' listeners: one small pool.
        ExecutorService worker = workerPool();
        GrizzlyAsyncHttpProviderConfig providerConfig = new GrizzlyAsyncHttpProviderConfig();
        providerConfig.addProperty(GrizzlyAsyncHttpProviderConfig.Property.DECOMPRESS_RESPONSE, Boolean.FALSE);
        providerConfig.addProperty(GrizzlyAsyncHttpProviderConfig.Property.MAX_HTTP_PACKET_HEADER_SIZE,
                maxResponseHeaderBytes);
        providerConfig.addProperty(GrizzlyAsyncHttpProviderConfig.Property.TRANSPORT_CUSTOMIZER,
                (TransportCustomizer) (transport, chain) -> customize(transport, chain, selectors, worker));
        providerConfig.setConnectionPool(pools);
        AsyncHttpClientConfig config = new AsyncHttpClientConfig.Builder()
                .setAllowPoolingConnections(true)
                .setAllowPoolingSslConnections(true)
                .setMaxConnectionsPerHost(DEFAULT_MAX_CONNECTIONS)
                .setPooledConnectionIdleTimeout((int) DEFAULT_IDLE_MILLIS)
                .setFollowRedirect(false)
                .setCompressionEnforced(false)
                .setRequestTimeout(-1)
                .setReadTimeout(-1)
                .setMaxRequestRetry(0)
                .setUseProxySelector(false)
                .setUseProxyProperties(false)
                .setDisableUrlEncodingForBoundedRequests(true)
                .setIOThreadMultiplier(1)
                .setExecutorService(worker)
                .setAsyncHttpClientProviderConfig(providerConfig)
                .build();
        this.client = new AsyncHttpClient(new GrizzlyAsyncHttpProvider(config), config);
    }

    @Override
    public CompletableFuture<GatewayResponse> send(UpstreamCall call) {
        if (closed) {
            return CompletableFuture.failedFuture(new GatewayException(503, "gateway is shutting down"));
        }
        if (call.exchange().isWebSocket()) {
            return CompletableFuture.failedFuture(new GatewayException(501,
                    "WebSocket needs the default upstream client (not -Dgateway.upstream-client=ahc)"));
        }
        UpstreamTarget target = call.target();
        if (target.tls()) {
            // FeatureGate refuses such configs with this client; this is the backstop.
            call.body().discard();
            return CompletableFuture.failedFuture(new GatewayException(502, TLS_UNSUPPORTED));
        }
        Route route = routes.get(target);
        if (route == null) {
            route = routes.computeIfAbsent(target, Route::new);
        }
        pools.settings(route.partition, call.pool(), call.connectTimeoutNanos(), call.responseTimeoutNanos());

        AhcExchange exchange = new AhcExchange(call, timer, events);
        RequestBuilder builder = new RequestBuilder(call.method(), true)
                .setUri(route.uri(call.pathAndQuery()))
                .setConnectionPoolKeyStrategy(route)
                .setFollowRedirects(false);
        Headers headers = call.headers();
        boolean userAgent = false;
        boolean accept = false;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (name.length() == 10 && name.equalsIgnoreCase("User-Agent")) {
                userAgent = true;
            } else if (name.length() == 6 && name.equalsIgnoreCase("Accept")) {
                accept = true;
            }
            builder.addHeader(name, headers.value(i));
        }
        // AHC adds these three when absent; a placeholder makes it leave them out, and the
        // scrubber removes the placeholder before the head is encoded.
        if (!userAgent) {
            builder.addHeader("User-Agent", RequestHeadScrubber.PLACEHOLDER);
        }
        if (!accept) {
            builder.addHeader("Accept", RequestHeadScrubber.PLACEHOLDER);
        }
        builder.addHeader("Connection", RequestHeadScrubber.PLACEHOLDER);

        // Framing: AHC 1.16 asks Grizzly for contentLength(n).chunked(false), and on Grizzly 4
        // chunked(false) clears the length, so a known length would go out chunked; the
        // Content-Length field itself restores it (the codec reads the length from the field).
        Body body = call.body();
        long length = body.length();
        if (body instanceof Body.FixedBody fixed) {
            if (fixed.bytes().length > 0 || expectsBody(call.method())) {
                builder.setBody(fixed.bytes())
                        .setContentLength(fixed.bytes().length)
                        .addHeader("Content-Length", Integer.toString(fixed.bytes().length));
            }
        } else if (length != 0 || expectsBody(call.method())) {
            FeedableBodyGenerator generator = new FeedableBodyGenerator();
            AhcRequestBody feeder = new AhcRequestBody(generator, body, exchange);
            generator.setFeeder(feeder);
            builder.setBody(generator);
            if (length >= 0) {
                builder.addHeader("Content-Length", Long.toString(length));
                if (length <= Integer.MAX_VALUE) {
                    builder.setContentLength((int) length);
                }
            }
            // length < 0: AHC frames the body chunked
        } else {
            body.discard();
        }
        exchange.start(client, builder.build());
        return exchange.future();
    }

    /** Open connections (in use, idle or opening) to one target; for metrics and tests. */
    public int openConnections(UpstreamTarget target) {
        Route route = routes.get(target);
        return route == null ? 0 : pools.openConnections(route.partition);
    }

    public int idleConnections(UpstreamTarget target) {
        Route route = routes.get(target);
        return route == null ? 0 : pools.idleConnections(route.partition);
    }

    @Override
    public void close() {
        closed = true;
        client.close();
    }

    private static boolean expectsBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    private static void customize(TCPNIOTransport transport, FilterChainBuilder chain, int selectors,
                                  ExecutorService worker) {
        transport.setIOStrategy(SameThreadIOStrategy.getInstance());
        transport.setSelectorRunnersCount(selectors);
        transport.setKernelThreadPoolConfig(ThreadPoolConfig.defaultConfig()
                .setCorePoolSize(selectors).setMaxPoolSize(selectors).setPoolName("gateway-ahc-kernel"));
        transport.setWorkerThreadPool(worker);
        transport.setTcpNoDelay(true);
        // [transport, ssl, AHC's HttpClientFilter, AHC's request filter] at this point
        int codec = chain.indexOfType(HttpClientFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("grizzly-http-client: no HttpClientFilter in the filter chain");
        }
        chain.add(codec + 1, new RequestHeadScrubber());
        chain.add(1, new ReadingConnection());
    }

    private static ExecutorService workerPool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "gateway-ahc-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * One target as AHC sees it: its URL parts and its pool partition (per upstream and target,
     * as the lean client's pools are, so two upstreams naming one host keep separate bounds).
     */
    private static final class Route implements ConnectionPoolPartitioning {
        final String scheme;
        final String host;
        final int port;
        final String partition;

        Route(UpstreamTarget target) {
            this.scheme = target.tls() ? "https" : "http";
            this.host = target.host();
            this.port = target.port();
            this.partition = "gateway-ahc:" + target.upstream() + "/" + target.key();
        }

        /** The call's path and query already carry the target's base path (ForwardInterceptor adds it). */
        Uri uri(String pathAndQuery) {
            int q = pathAndQuery.indexOf('?');
            String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            String query = q < 0 ? null : pathAndQuery.substring(q + 1);
            return new Uri(scheme, null, host, port, path.isEmpty() ? "/" : path, query);
        }

        @Override
        public Object getPartitionKey(Uri uri, com.ning.http.client.ProxyServer proxyServer) {
            return partition;
        }
    }
}
