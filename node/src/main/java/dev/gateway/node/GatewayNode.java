package dev.gateway.node;

import dev.gateway.config.AccessLogConfig;
import dev.gateway.config.GatewayConfig;
import com.codahale.metrics.MetricRegistry;
import dev.gateway.node.admin.MetricsEndpoint;
import dev.gateway.node.observability.AccessLog;
import dev.gateway.node.observability.FinishedRequests;
import dev.gateway.node.observability.metrics.GatewayMetrics;
import dev.gateway.node.upstream.UpstreamGroup;
import dev.gateway.node.upstream.UpstreamTarget;
import java.io.OutputStream;
import dev.gateway.node.observability.AsyncAccessLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import dev.gateway.node.admin.Health;
import dev.gateway.node.runtime.FeatureGate;
import dev.gateway.node.runtime.GatewayRuntime;
import dev.gateway.node.upstream.health.HealthRegistry;
import dev.gateway.node.runtime.RequestIds;
import dev.gateway.node.runtime.RuntimeCompiler;
import dev.gateway.node.runtime.RuntimeHolder;
import dev.gateway.node.server.ListenException;
import dev.gateway.node.server.NodeServers;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * One gateway node, wired: the only place that creates the node's long-lived parts and hands
 * them to each other. {@link #close()} stops everything it started.
 */
public final class GatewayNode implements AutoCloseable {
    private final GatewayConfig config;
    private final ScheduledThreadPoolExecutor timer;
    private final Health health;
    private final RuntimeHolder runtimes;
    private final NodeServers servers;
    private final AccessLog accessLog;

    private GatewayNode(GatewayConfig config, ScheduledThreadPoolExecutor timer, Health health,
                        RuntimeHolder runtimes, NodeServers servers, AccessLog accessLog) {
        this.accessLog = accessLog;
        this.config = config;
        this.timer = timer;
        this.health = health;
        this.runtimes = runtimes;
        this.servers = servers;
    }

    /**
     * Starts a node serving {@code config}.
     *
     * @throws UnsupportedFeatureException when the config uses something this node cannot do yet
     * @throws ListenException             when a listener cannot bind
     */
    public static GatewayNode start(GatewayConfig config) throws ListenException {
        List<String> unsupported = FeatureGate.unsupported(config);
        if (!unsupported.isEmpty()) {
            throw new UnsupportedFeatureException(unsupported);
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "gateway-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        Health health = new Health();
        HealthRegistry healthRegistry = new HealthRegistry();
        RuntimeHolder runtimes = new RuntimeHolder();
        AsyncAccessLog accessLog = openAccessLog(config.shared().observability().accessLog());
        GatewayMetrics metrics = new GatewayMetrics(new MetricRegistry());
        metrics.registerAccessLogDropped(accessLog::dropped);
        NodeServers servers;
        try {
            servers = NodeServers.start(config.node(), runtimes, health, new RequestIds(), timer,
                    new FinishedRequests(accessLog, metrics), metrics::listenerRejected, endpointOf(metrics));
        } catch (ListenException | RuntimeException e) {
            timer.shutdownNow();
            accessLog.close();
            throw e;
        }
        RuntimeCompiler compiler = new RuntimeCompiler(servers.upstreamClient(), config.node().name(),
                RequestIds::random128, healthRegistry, timer);
        GatewayRuntime runtime = compiler.compile(config.shared());
        registerUpstreamGauges(metrics, runtime, servers);
        runtimes.swap(runtime);
        health.serving();
        return new GatewayNode(config, timer, health, runtimes, servers, accessLog);
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
            public String contentType() {
                return metrics.contentType();
            }

            @Override
            public void write(OutputStream out) throws IOException {
                metrics.writePrometheus(out);
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

    public RuntimeHolder runtimes() {
        return runtimes;
    }

    @Override
    public void close() {
        health.draining();
        servers.close();
        GatewayRuntime runtime = runtimes.current();
        if (runtime != null) {
            runtime.close();
        }
        timer.shutdownNow();
        accessLog.close();
    }
}
