package dev.gateway.node.upstream.health;

import dev.gateway.config.ActiveHealth;
import dev.gateway.config.Durations;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.UpstreamGroup;
import dev.gateway.node.upstream.UpstreamTarget;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Probes every target of the upstreams that configure {@code health.active}: a GET of
 * {@code path} every {@code interval}, a 2xx or 3xx within {@code timeout} is a success.
 * Every node probes for itself. Runs until {@link #close()}; one per config version.
 */
public final class ActiveHealthChecker implements AutoCloseable {
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
    private final List<TargetHealth> checked = new ArrayList<>();

    public ActiveHealthChecker(List<UpstreamGroup> upstreams, UpstreamClient client, HealthRegistry registry,
                               ScheduledExecutorService timer) {
        for (UpstreamGroup group : upstreams) {
            if (group.config().health() == null || group.config().health().active() == null) {
                continue;
            }
            ActiveHealth active = group.config().health().active();
            long interval = active.interval().toNanos();
            for (UpstreamTarget target : group.targets()) {
                TargetHealth health = registry.of(target);
                checked.add(health);
                Runnable probe = () -> probe(client, group, target, active, health);
                tasks.add(timer.scheduleWithFixedDelay(probe, 0, interval, TimeUnit.NANOSECONDS));
            }
        }
    }

    private static void probe(UpstreamClient client, UpstreamGroup group, UpstreamTarget target, ActiveHealth active,
                              TargetHealth health) {
        long timeout = active.timeout().toNanos();
        long now = System.nanoTime();
        Exchange exchange = new Exchange("127.0.0.1", "http", now, "health-check");
        exchange.deadlineNanos(now + timeout, "health check timeout " + Durations.format(active.timeout()));
        Headers headers = new Headers(4)
                .add("Host", target.hostHeader())
                .add("User-Agent", "gateway-health-check")
                .add("Accept", "*/*");
        String path = target.basePath() + active.path();
        UpstreamCall call = new UpstreamCall(target, "GET", path, headers, Body.empty(), exchange,
                timeout, timeout, group.pool());
        client.send(call).whenComplete((response, failure) -> {
            boolean ok = failure == null && response.status() >= 200 && response.status() < 400;
            if (response != null) {
                drain(response.body());
            }
            health.activeResult(ok, active.healthyAfter(), active.unhealthyAfter(), System.nanoTime());
        });
    }

    /** Reads and drops a probe's body so that its connection can go back to the pool. */
    private static void drain(Body body) {
        body.subscribe(new BodySink() {
            @Override
            public boolean onData(ByteBuffer chunk, boolean last) {
                return true;
            }

            @Override
            public void onError(Throwable error) {
            }
        });
    }

    @Override
    public void close() {
        tasks.forEach(t -> t.cancel(false));
        checked.forEach(TargetHealth::activeChecksStopped);
    }
}
