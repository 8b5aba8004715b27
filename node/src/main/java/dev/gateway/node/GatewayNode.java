package dev.gateway.node;

import com.codahale.metrics.MetricRegistry;
import dev.gateway.cluster.GatewayCluster;
import dev.gateway.config.AccessLogConfig;
import dev.gateway.config.ConfigCodec;
import dev.gateway.config.GatewayConfig;
import dev.gateway.config.feed.AppliedVersions;
import dev.gateway.config.feed.ConfigFeed;
import dev.gateway.config.feed.InMemoryAppliedVersions;
import dev.gateway.config.feed.InMemoryConfigFeed;
import dev.gateway.config.feed.LastAppliedFile;
import dev.gateway.limiter.LocalRateLimiter;
import dev.gateway.limiter.RateLimiter;
import dev.gateway.limiter.Ticker;
import dev.gateway.node.admin.AdminApi;
import dev.gateway.node.admin.BreakersView;
import dev.gateway.node.admin.CacheAdmin;
import dev.gateway.node.cache.CacheMetrics;
import dev.gateway.node.cache.ResponseCaches;
import dev.gateway.cluster.cache.LocalResponseStore;
import dev.gateway.node.admin.ClusterView;
import dev.gateway.node.admin.ConfigEndpoints;
import dev.gateway.node.admin.Health;
import dev.gateway.node.admin.LimitsView;
import dev.gateway.node.admin.NodesView;
import dev.gateway.node.admin.SummaryPublisher;
import dev.gateway.cluster.history.AuditLog;
import dev.gateway.cluster.history.ConfigHistory;
import dev.gateway.cluster.history.InMemoryAuditLog;
import dev.gateway.cluster.history.InMemoryConfigHistory;
import dev.gateway.node.admin.HistoryEndpoints;
import dev.gateway.node.admin.TrafficHistory;
import dev.gateway.node.sync.VersionApplier;
import dev.gateway.cluster.summary.LocalNodeSummaries;
import dev.gateway.cluster.summary.NodeSummaries;
import dev.gateway.node.admin.MetricsEndpoint;
import dev.gateway.node.auth.AuthMetricsExport;
import dev.gateway.node.observability.AsyncAccessLog;
import dev.gateway.node.observability.FinishedRequests;
import dev.gateway.node.observability.tracing.otel.OtelTracers;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import dev.gateway.node.ratelimit.RateLimiting;
import dev.gateway.node.runtime.FeatureGate;
import dev.gateway.node.runtime.GatewayRuntime;
import dev.gateway.node.runtime.RequestIds;
import dev.gateway.node.runtime.RuntimeCompiler;
import dev.gateway.node.runtime.RuntimeHolder;
import dev.gateway.node.server.ListenException;
import dev.gateway.node.server.NodeServers;
import dev.gateway.node.observability.metrics.WebSocketMetrics;
import dev.gateway.node.resilience.BreakerRegistry;
import dev.gateway.node.resilience.ResilienceMetrics;
import dev.gateway.node.resilience.SharedBreakers;
import dev.gateway.node.sync.ConfigRejectedException;
import dev.gateway.node.sync.ConfigSync;
import dev.gateway.node.sync.RuntimeApplier;
import dev.gateway.node.upstream.UpstreamGroup;
import dev.gateway.node.upstream.UpstreamTarget;
import dev.gateway.node.upstream.health.HealthRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One gateway node, wired: the only place that creates the node's long-lived parts and hands
 * them to each other. {@link #close()} stops everything it started, in the order that loses
 * nothing: not ready, drain the listeners, retire the runtime, leave the cluster.
 */
public final class GatewayNode implements AutoCloseable {
    /** How often a node checks the cluster's config version besides hearing of it by event. */
    static final Duration RECONCILE_EVERY = Duration.ofMillis(500);
    /** Bound of the node's own response cache ({@code scope: node} routes), bodies and headers. */
    static final long NODE_CACHE_BYTES = 64L << 20;
    /** How often a node reports its breakers' evidence to the cluster. */
    static final Duration BREAKER_REPORT_EVERY = Duration.ofMillis(250);
    private final GatewayConfig config;
    private final ScheduledThreadPoolExecutor timer;
    private final Health health;
    private final RuntimeHolder runtimes;
    private final NodeServers servers;
    private final AsyncAccessLog accessLog;
    private final GatewayCluster cluster;
    private final ConfigSync sync;
    private final Runnable closeBreakers;

    private GatewayNode(GatewayConfig config, ScheduledThreadPoolExecutor timer, Health health, RuntimeHolder runtimes,
                        NodeServers servers, AsyncAccessLog accessLog, GatewayCluster cluster, ConfigSync sync,
                        Runnable closeBreakers) {
        this.sync = sync;
        this.closeBreakers = closeBreakers;
        this.config = config;
        this.timer = timer;
        this.health = health;
        this.runtimes = runtimes;
        this.servers = servers;
        this.accessLog = accessLog;
        this.cluster = cluster;
    }

    /**
     * Starts a node serving {@code config}: joins its cluster first (when it has a {@code cluster:}
     * section), then binds the listeners. Nothing is left running when it fails.
     *
     * @throws UnsupportedFeatureException when the config uses something this node cannot do yet
     * @throws ListenException             when a listener cannot bind
     * @throws IllegalStateException       when the cluster member cannot start (its port in use, say)
     */
    public static GatewayNode start(GatewayConfig config) throws ListenException {
        List<String> unsupported = FeatureGate.unsupported(config);
        if (!unsupported.isEmpty()) {
            throw new UnsupportedFeatureException(unsupported);
        }
        GatewayCluster cluster = config.cluster() == null ? null
                : GatewayCluster.start(config.cluster(), config.node().name());
        try {
            return startWith(config, cluster);
        } catch (ListenException | RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
    }

    private static GatewayNode startWith(GatewayConfig config, GatewayCluster cluster) throws ListenException {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gateway-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        ConfigEndpoints configEndpoints = new ConfigEndpoints(config.node().name(), System::getenv);
        Health health = new Health(() -> {
            String clusterReason = cluster == null ? null : cluster.notReadyReason();
            return clusterReason != null ? clusterReason : configEndpoints.notReadyReason();
        });
        RuntimeHolder runtimes = new RuntimeHolder();
        AsyncAccessLog accessLog = openAccessLog(config.shared().observability().accessLog());
        accessLog.maxQueueBytes(config.shared().observability().accessLog().maxQueueBytes());
        GatewayMetrics metrics = new GatewayMetrics(new MetricRegistry());
        metrics.registerAccessLogDropped(accessLog::dropped);
        OtelTracers tracers = new OtelTracers(config.node().name());
        metrics.registerTraceSpansDropped(tracers::dropped);
        RateLimiter local = new LocalRateLimiter(Ticker.system());
        RateLimiter shared = cluster == null ? local : cluster.rateLimiter();
        ResilienceMetrics resilienceMetrics = new ResilienceMetrics(metrics);
        SharedBreakers sharedBreakers = cluster == null ? null : new SharedBreakers(config.node().name(),
                cluster.breakerBoard(), cluster.breakerViews(), Ticker.system(), resilienceMetrics, BREAKER_REPORT_EVERY);
        BreakerRegistry breakers = new BreakerRegistry(Ticker.system(), resilienceMetrics, sharedBreakers);
        LocalResponseStore localCache = new LocalResponseStore(NODE_CACHE_BYTES);
        CacheMetrics cacheMetrics = new CacheMetrics(metrics);
        cacheMetrics.registerEntries("node", localCache::entries);
        if (cluster != null) {
            cacheMetrics.registerEntries("cluster", cluster::responseStoreEntries);
            metrics.registerCounter("gateway_rate_limit_coalesced", "Rate-limit checks that travelled to the key's"
                    + " owner together with an earlier check of the same key (one call for several requests).",
                    cluster::coalescedRateLimitChecks);
        }
        ResponseCaches caches = new ResponseCaches(localCache, cluster == null ? localCache : cluster.responseStore(),
                cacheMetrics);
        NodeSummaries summaries = cluster == null ? new LocalNodeSummaries(SummaryPublisher.TTL)
                : cluster.nodeSummaries(SummaryPublisher.TTL);
        ConfigHistory configHistory = cluster == null ? new InMemoryConfigHistory() : cluster.configHistory();
        AuditLog auditLog = cluster == null ? new InMemoryAuditLog() : cluster.auditLog();
        TrafficHistory traffic = new TrafficHistory();
        AdminApi.Console console = new AdminApi.Console(traffic,
                new HistoryEndpoints(configHistory, auditLog, config.node().name(), System::currentTimeMillis),
                System::currentTimeMillis);
        AdminApi admin = new AdminApi(null, new ClusterView(cluster, config.node().name(), configEndpoints),
                cluster == null ? new LimitsView(runtimes, shared)
                        : new LimitsView(runtimes, shared, cluster::replicasOf), configEndpoints,
                cluster == null ? new BreakersView(config.node().name(), breakers)
                        : new BreakersView(config.node().name(), breakers, cluster::replicasOf),
                new CacheAdmin(caches, runtimes),
                new NodesView(summaries, config.node().name(), System::currentTimeMillis), console);
        NodeServers servers;
        try {
            servers = NodeServers.start(config.node(), runtimes, health, new RequestIds(), timer,
                    new FinishedRequests(accessLog, metrics), metrics::listenerRejected, endpointOf(metrics), admin,
                    metrics::upstreamBodyTimedOut);
        } catch (ListenException | RuntimeException e) {
            breakers.close();
            closeShared(sharedBreakers);
            timer.shutdownNow();
            accessLog.close();
            throw e;
        }
        WebSocketMetrics.register(metrics, servers.webSockets());
        RuntimeCompiler compiler = new RuntimeCompiler(servers.upstreamClient(), config.node().name(),
                RequestIds::random128, new HealthRegistry(), timer,
                cluster == null ? new RateLimiting(shared, local, metrics, 1)
                        : new RateLimiting(shared, local, metrics, cluster::gatewayNodes, cluster::replicasOf),
                breakers, resilienceMetrics).withCaches(caches)
                .withTracers(tracers::tracerFor)
                .withHttpsPort(servers.tlsPort())
                .withRedirectHost(config.node().tls() == null ? null : config.node().tls().redirectHost());
        RuntimeApplier runtimeApplier = new RuntimeApplier(compiler, runtimes,
                runtime -> {
                    registerUpstreamGauges(metrics, runtime, servers);
                    servers.upstreamClient().retainTargets(runtime.upstreams().values().stream()
                            .flatMap(group -> group.targets().stream()).collect(java.util.stream.Collectors.toSet()));
                    accessLog.maxQueueBytes(runtime.config().observability().accessLog().maxQueueBytes());
                    tracers.retain(runtime.config().observability().tracing().export());
                });
        VersionApplier applier = recordingHistory(runtimeApplier, configHistory);
        ConfigFeed feed = cluster == null ? new InMemoryConfigFeed() : cluster.configFeed();
        AppliedVersions applied = cluster == null ? new InMemoryAppliedVersions() : cluster.appliedVersions();
        LastAppliedFile store = config.node().stateDir() == null ? null
                : new LastAppliedFile(Path.of(config.node().stateDir()));
        ConfigSync sync = new ConfigSync(config.node().name(), feed, applied, applier, store,
                ConfigCodec.sha256(config.shared()), System::currentTimeMillis);
        try {
            sync.start(config.shared(), RECONCILE_EVERY);
        } catch (ConfigRejectedException | RuntimeException e) {
            // A config that cannot be compiled (an unreadable key, say) leaves nothing running.
            sync.close();
            servers.close();
            GatewayRuntime runtime = runtimes.current();
            if (runtime != null) {
                runtime.close();
            }
            breakers.close();
            closeShared(sharedBreakers);
            tracers.close();
            timer.shutdownNow();
            accessLog.close();
            if (e instanceof ConfigRejectedException rejected) {
                throw new InvalidConfigException(rejected.errors());
            }
            throw (RuntimeException) e;
        }
        configEndpoints.bind(sync, applied);
        AuthMetricsExport.register(compiler.authMetrics(), metrics);
        health.serving();
        SummaryPublisher publisher = new SummaryPublisher(config.node().name(), summaries, System::currentTimeMillis,
                SummaryPublisher.Sources.of(metrics, health::notReadyReason, configEndpoints::runningVersion,
                        () -> breakerStates(breakers)));
        // its own thread: reading the node's state may wait on a config swap's lock, which the shared timer
        // (request timeouts) must never do
        ScheduledExecutorService summaryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-node-summary");
            t.setDaemon(true);
            return t;
        });
        summaryTimer.scheduleWithFixedDelay(publisher, 0, SummaryPublisher.EVERY.toMillis(), TimeUnit.MILLISECONDS);
        // the Traffic page's history reads every node's summary once a second, on its own thread: a read may wait for
        // the cluster (bounded by the summaries' timeout), which must delay neither this node's publish nor a request
        ScheduledExecutorService trafficTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-traffic-history");
            t.setDaemon(true);
            return t;
        });
        trafficTimer.scheduleWithFixedDelay(() -> {
            try {
                traffic.record(System.currentTimeMillis(), summaries.all());
            } catch (RuntimeException e) {
                // the cluster did not answer: this second has no point, the next one tries again
            }
        }, SummaryPublisher.EVERY.toMillis(), SummaryPublisher.EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return new GatewayNode(config, timer, health, runtimes, servers, accessLog, cluster, sync,
                () -> {
                    summaryTimer.shutdownNow();
                    trafficTimer.shutdownNow();
                    breakers.close();
                    closeShared(sharedBreakers);
                    tracers.close(); // after the last request: its spans are sent
                });
    }

    /** {@code applier}, keeping each version it put into service in the cluster's config history. */
    private static VersionApplier recordingHistory(VersionApplier applier, ConfigHistory history) {
        return new VersionApplier() {
            @Override
            public void apply(dev.gateway.config.feed.ConfigVersion version) throws ConfigRejectedException {
                applier.apply(version);
                history.record(version);
            }

            @Override
            public List<dev.gateway.config.ConfigError> check(dev.gateway.config.SharedConfig config) {
                return applier.check(config);
            }
        };
    }

    /** Each upstream breaker's state as this node acts on it, for its summary. */
    private static java.util.Map<String, String> breakerStates(BreakerRegistry breakers) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        breakers.status().forEach((upstream, st) ->
                out.put(upstream, st.stateHere().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')));
        return out;
    }

    private static void registerUpstreamGauges(GatewayMetrics metrics, GatewayRuntime runtime, NodeServers servers) {
        for (UpstreamGroup group : runtime.upstreams().values()) {
            for (UpstreamTarget target : group.targets()) {
                metrics.registerPool(group.name(), target.key(),
                        () -> servers.openConnections(target), () -> servers.idleConnections(target));
                metrics.registerHealth(group.name(), target.key(), () -> group.healthy(target));
            }
        }
    }

    private static MetricsEndpoint endpointOf(GatewayMetrics metrics) {
        return new MetricsEndpoint() {
            @Override
            public String contentType(String accept) {
                return metrics.contentType(accept);
            }

            @Override
            public void write(String accept, OutputStream out) throws IOException {
                metrics.write(accept, out);
            }
        };
    }

    /** The access log's destination is fixed at start; a reload can switch it on and off. */
    private static AsyncAccessLog openAccessLog(AccessLogConfig config) {
        if (config.file() == null) {
            return AsyncAccessLog.toStdout();
        }
        try {
            return AsyncAccessLog.toFile(Path.of(config.file()));
        } catch (IOException e) {
            throw new UncheckedIOException("observability.access-log.file: cannot open " + config.file(), e);
        }
    }

    public GatewayConfig config() {
        return config;
    }

    public int proxyPort() {
        return servers.proxyPort();
    }

    public int adminPort() {
        return servers.adminPort();
    }

    /** The TLS listener's port, or -1 without {@code node.tls}. */
    public int tlsPort() {
        return servers.tlsPort();
    }

    public RuntimeHolder runtimes() {
        return runtimes;
    }

    /** This node's view of the cluster's config: what it serves, and publishing a new version. */
    public ConfigSync configSync() {
        return sync;
    }

    /**
     * The first step of a graceful stop: not ready any more (balancers take the node out) and every answer closes
     * its connection, while the node keeps serving. {@link #close()} follows after the balancers had time to see it.
     */
    public void beginDrain() {
        health.draining();
        servers.beginDrain();
    }

    @Override
    public void close() {
        beginDrain();
        sync.close();
        servers.close();
        GatewayRuntime runtime = runtimes.current();
        if (runtime != null) {
            runtime.close();
        }
        closeBreakers.run();
        if (cluster != null) {
            cluster.close();
        }
        timer.shutdownNow();
        accessLog.close();
    }

    private static void closeShared(SharedBreakers shared) {
        if (shared != null) {
            shared.close();
        }
    }
}
