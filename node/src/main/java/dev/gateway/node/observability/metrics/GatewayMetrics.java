package dev.gateway.node.observability.metrics;

import static dev.gateway.node.observability.metrics.GatewayFamilies.ACCESS_LOG_DROPPED;
import static dev.gateway.node.observability.metrics.GatewayFamilies.LISTENER_REJECTED;
import static dev.gateway.node.observability.metrics.GatewayFamilies.RATE_LIMIT_CHECK;
import static dev.gateway.node.observability.metrics.GatewayFamilies.RATE_LIMIT_CHECK_BUCKETS;
import static dev.gateway.node.observability.metrics.GatewayFamilies.RATE_LIMIT_DECISIONS;
import static dev.gateway.node.observability.metrics.GatewayFamilies.REQUESTS;
import static dev.gateway.node.observability.metrics.GatewayFamilies.REQUEST_DURATION;
import static dev.gateway.node.observability.metrics.GatewayFamilies.REQUEST_LATENCY;
import static dev.gateway.node.observability.metrics.GatewayFamilies.TARGET_HEALTHY;
import static dev.gateway.node.observability.metrics.GatewayFamilies.TRACE_SPANS_DROPPED;
import static dev.gateway.node.observability.metrics.GatewayFamilies.UPSTREAM_BODY_TIMEOUTS;
import static dev.gateway.node.observability.metrics.GatewayFamilies.UPSTREAM_CONNECTIONS;
import static dev.gateway.node.observability.metrics.GatewayFamilies.UPSTREAM_DURATION;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import dev.gateway.node.observability.metrics.PrometheusExposition.Family;
import dev.gateway.node.observability.metrics.PrometheusExposition.Series;
import dev.gateway.node.observability.metrics.PrometheusExposition.Type;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Everything the node measures, kept in one injected Dropwizard {@link MetricRegistry} and
 * exported in the Prometheus text format (0.0.4) by {@link #writePrometheus}, or in OpenMetrics text 1.0
 * (with exemplars) when a scrape asks for it ({@link #write(String, OutputStream)}).
 *
 * <p>Exported families:
 * <pre>
 * gateway_requests_total{route, method, status_class}        counter
 * gateway_request_duration_seconds{route}                    summary (quantiles, _count, _sum)
 * gateway_request_latency_seconds{route}                     histogram (_bucket{le}, _count, _sum), exemplars
 * gateway_upstream_duration_seconds{upstream}                summary
 * gateway_upstream_connections{upstream, target, state}      gauge, state "open" | "idle"
 * gateway_upstream_target_healthy{upstream, target}          gauge, 1 | 0
 * gateway_listener_rejected_total{reason}                    counter
 * gateway_access_log_dropped_total                           counter
 * gateway_trace_spans_dropped_total                          counter
 * gateway_rate_limit_decisions_total{policy, outcome}        counter
 * gateway_rate_limit_check_seconds{policy}                   summary
 * gateway_rate_limit_check_duration_seconds{policy}          histogram (_bucket{le}, _count, _sum)
 * jvm_*                                                      see JvmMetrics
 * </pre>
 * {@code route} is {@link #NO_ROUTE} ("") for requests no route matched. {@code method} is one of
 * the nine standard methods (case-sensitive, as HTTP says) or {@code OTHER}. {@code status_class}
 * is {@code 1xx}..{@code 5xx}, or {@code other} for a status outside 100..599. Series appear on
 * first use. Route, upstream and target names come from the config, so their number is bounded;
 * listener rejection reasons are capped at {@value #MAX_REASONS} distinct values (then
 * {@code other}). Series of routes or upstreams that a new config removed stay until restart.
 *
 * <p>Exemplars: in OpenMetrics, each bucket of {@code gateway_request_latency_seconds} carries the
 * trace id and span id of the latest sampled request that fell in it ({@code # {trace_id="...",
 * span_id="..."} value timestamp}); unsampled requests leave none.
 *
 * <p>Thread-safe. {@link #requestFinished} and {@link #listenerRejected} are the hot path: after a
 * series' first use they do map lookups and atomic adds only: no locks, no string building, no
 * allocation (a sampled request adds its exemplar: one small object). The register methods are for config (re)loads; gauges are read at scrape time, and
 * a supplier that throws leaves its series out of that scrape.
 *
 * <p>One instance per registry for the life of the node (it registers the JVM metrics).
 */
public final class GatewayMetrics {
    /** The {@code route} label of requests that matched no route. */
    public static final String NO_ROUTE = "";

    static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "OTHER"};
    static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    static final int MAX_REASONS = 32;
    static final String OTHER_REASON = "other";

    private static final int OTHER_METHOD = METHODS.length - 1;
    private static final int OTHER_STATUS = STATUS_CLASSES.length - 1;
    private static final int SERVER_ERROR = 4; // STATUS_CLASSES[4] is "5xx"
    private static final double NANOS_PER_SECOND = 1e9;

    private final MetricRegistry registry;
    private final LongSupplier epochMillis;
    private final PrometheusExposition exposition;
    private final ConcurrentMap<String, PolicyMetrics> policies = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Family> componentFamilies = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, RouteMetrics> routes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> upstreamDurations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> rejections = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> bodyTimeouts = new ConcurrentHashMap<>();
    private final UpstreamTargetGauges targets;
    private final AtomicReference<LongSupplier> accessLogDropped = new AtomicReference<>();
    private final AtomicReference<LongSupplier> traceSpansDropped = new AtomicReference<>();

    public GatewayMetrics(MetricRegistry registry) {
        this(registry, System::currentTimeMillis);
    }

    /** {@code epochMillis}: the wall clock that stamps exemplars. */
    public GatewayMetrics(MetricRegistry registry, LongSupplier epochMillis) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.epochMillis = Objects.requireNonNull(epochMillis, "epochMillis");
        this.exposition = new PrometheusExposition(registry);
        this.targets = new UpstreamTargetGauges(this::gauge, name -> {
            registry.remove(name);
            exposition.release(name);
        });
        JvmMetrics.register(registry, exposition);
    }

    /**
     * A finished request. {@code routeId} null when no route matched (404/405/400...).
     * {@code upstream} null and {@code upstreamNanos} -1 when it never went upstream. {@code status}
     * is the status sent to the client. A negative {@code gatewayNanos} counts the request but
     * records no duration.
     */
    public void requestFinished(String routeId, String method, int status, long gatewayNanos,
                                String upstream, long upstreamNanos) {
        requestFinished(routeId, method, status, gatewayNanos, upstream, upstreamNanos, null, null);
    }

    /**
     * A finished request, as {@link #requestFinished(String, String, int, long, String, long)}; {@code traceId} and
     * {@code spanId} (its server span) only when its trace is sampled, else null: its duration then becomes the
     * exemplar of its latency bucket.
     */
    public void requestFinished(String routeId, String method, int status, long gatewayNanos,
                                String upstream, long upstreamNanos, String traceId, String spanId) {
        RouteMetrics route = route(routeId == null ? NO_ROUTE : routeId);
        route.requests(methodIndex(method) * STATUS_CLASSES.length + statusClassIndex(status)).inc();
        if (gatewayNanos >= 0) {
            route.duration.update(gatewayNanos, TimeUnit.NANOSECONDS);
            if (traceId == null) {
                route.latency.update(gatewayNanos);
            } else {
                route.latency.update(gatewayNanos, traceId, spanId, epochMillis.getAsLong());
            }
        }
        if (upstream != null && upstreamNanos >= 0) {
            upstreamDuration(upstream).update(upstreamNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Requests answered since start, all routes; {@code serverErrorsOnly}: only those answered with a 5xx. */
    public long requestsTotal(boolean serverErrorsOnly) {
        long total = 0;
        for (RouteMetrics route : routes.values()) {
            total += route.count(serverErrorsOnly);
        }
        return total;
    }

    /** One route's figures for the node summary: counts since start and the quantiles of its recent requests. */
    public record RouteFigures(long requests, long serverErrors, long p50Nanos, long p99Nanos) {
    }

    /** One rate-limit policy's decisions since start. */
    public record PolicyFigures(long allowed, long limited, long fallback) {
    }

    /**
     * Every route's figures by route id ({@link #NO_ROUTE} for unmatched requests): summed from the request counters
     * and read from the duration timer's recent samples. Copies each timer's sample ring (1024 values), so this is for
     * a once-a-second reader (the node summary), never for the request path.
     */
    public Map<String, RouteFigures> routeFigures() {
        Map<String, RouteFigures> out = new TreeMap<>();
        for (RouteMetrics route : routes.values()) {
            Snapshot snapshot = route.duration.getSnapshot();
            out.put(route.routeId, new RouteFigures(route.count(false), route.count(true), (long) snapshot.getMedian(),
                    (long) snapshot.get99thPercentile()));
        }
        return out;
    }

    /** Every rate-limit policy's decisions since start, by policy name. */
    public Map<String, PolicyFigures> policyFigures() {
        Map<String, PolicyFigures> out = new TreeMap<>();
        policies.forEach((name, p) -> out.put(name,
                new PolicyFigures(p.allowed().getCount(), p.limited().getCount(), p.fallback().getCount())));
        return out;
    }

    /**
     * Pool gauges for one upstream target, read at scrape time. Registering the same
     * upstream/target again replaces the suppliers.
     */
    public void registerPool(String upstream, String target, IntSupplier open, IntSupplier idle) {
        targets.registerPool(upstream, target, open, idle);
    }

    /**
     * Health gauge (1 healthy, 0 not) for one upstream target, read at scrape time.
     * Re-registering the same upstream/target replaces the supplier (config reloads).
     */
    public void registerHealth(String upstream, String target, BooleanSupplier healthy) {
        targets.registerHealth(upstream, target, healthy);
    }

    /** Removes the pool and health gauges of one upstream target; unknown targets are ignored. */
    public void unregisterUpstreamTarget(String upstream, String target) {
        targets.unregister(upstream, target);
    }

    /**
     * Counts a listener-level refusal or error by reason, e.g. "header-timeout",
     * "headers-too-large", "too-many-connections", "malformed".
     */
    public void listenerRejected(String reason) {
        String key = reason == null ? OTHER_REASON : reason;
        Counter counter = rejections.get(key);
        if (counter == null) {
            counter = rejectionCounter(key);
        }
        counter.inc();
    }

    /**
     * Counts an upstream response body cut by a timeout. {@code timeout} is {@code response} or {@code route};
     * the series of an upstream are made on its first timeout.
     */
    public void upstreamBodyTimedOut(String upstream, String timeout) {
        String key = upstream + '\n' + timeout;
        Counter counter = bodyTimeouts.get(key);
        if (counter == null) {
            counter = bodyTimeouts.computeIfAbsent(key, k -> counter(
                    MetricRegistry.name("gateway.upstream", upstream, "body-timeouts", timeout),
                    new Series(UPSTREAM_BODY_TIMEOUTS, Labels.of("upstream", upstream, "timeout", timeout), 1)));
        }
        counter.inc();
    }

    /**
     * Access-log entries dropped because the log could not keep up, read at scrape time.
     * Registering again replaces the supplier.
     */
    /** The trace exporter's drop count, read at scrape time; registering again replaces the supplier. */
    public void registerTraceSpansDropped(LongSupplier dropped) {
        Objects.requireNonNull(dropped, "dropped");
        if (traceSpansDropped.getAndSet(dropped) == null) {
            gauge("gateway.trace.spans-dropped", new Series(TRACE_SPANS_DROPPED, Labels.EMPTY, 1),
                    () -> traceSpansDropped.get().getAsLong());
        }
    }

    public void registerAccessLogDropped(LongSupplier dropped) {
        Objects.requireNonNull(dropped, "dropped");
        if (accessLogDropped.getAndSet(dropped) == null) {
            gauge("gateway.access-log.dropped", new Series(ACCESS_LOG_DROPPED, Labels.EMPTY, 1),
                    () -> accessLogDropped.get().getAsLong());
        }
    }

    /**
     * A counter another component keeps itself (authentication, for instance), read at scrape
     * time. {@code family} without {@code _total}; {@code labels} as name, value pairs.
     * Registering the same family and labels again replaces the supplier.
     */
    public void registerCounter(String family, String help, LongSupplier value, String... labels) {
        Family f = componentFamilies.computeIfAbsent(family, name -> new Family(name, Type.COUNTER, help));
        gauge(MetricRegistry.name(family, labels), new Series(f, Labels.of(labels), 1), value::getAsLong);
    }

    /**
     * A gauge another component keeps (a cache's size, for instance), read at scrape time. {@code labels} as
     * name, value pairs. Registering the same family and labels again replaces the supplier.
     */
    public void registerGauge(String family, String help, LongSupplier value, String... labels) {
        Family f = componentFamilies.computeIfAbsent(family, name -> new Family(name, Type.GAUGE, help));
        gauge(MetricRegistry.name(family, labels), new Series(f, Labels.of(labels), 1), value::getAsLong);
    }

    /** A Dropwizard timer (nanoseconds) another component keeps, exported as a summary in seconds. */
    public void registerTimer(String family, String help, Timer timer, String... labels) {
        Family f = componentFamilies.computeIfAbsent(family, name -> new Family(name, Type.SUMMARY, help));
        String claimed = exposition.claim(MetricRegistry.name(family, labels), new Series(f, Labels.of(labels), NANOS_PER_SECOND));
        registry.remove(claimed);
        registry.register(claimed, timer);
    }

    /** The counters of one rate-limit policy, made once and kept; fetch at compile time, not per request. */
    public PolicyMetrics rateLimitPolicy(String policy) {
        return policies.computeIfAbsent(policy, p -> new PolicyMetrics(
                counter(MetricRegistry.name("gateway.rate-limit", p, "allowed"),
                        new Series(RATE_LIMIT_DECISIONS, Labels.of("policy", p, "outcome", "allowed"), 1)),
                counter(MetricRegistry.name("gateway.rate-limit", p, "limited"),
                        new Series(RATE_LIMIT_DECISIONS, Labels.of("policy", p, "outcome", "limited"), 1)),
                counter(MetricRegistry.name("gateway.rate-limit", p, "fallback"),
                        new Series(RATE_LIMIT_DECISIONS, Labels.of("policy", p, "outcome", "fallback"), 1)),
                timer(MetricRegistry.name("gateway.rate-limit", p, "check"),
                        new Series(RATE_LIMIT_CHECK, Labels.of("policy", p), NANOS_PER_SECOND)),
                histogram(MetricRegistry.name("gateway.rate-limit", p, "check-buckets"),
                        new Series(RATE_LIMIT_CHECK_BUCKETS, Labels.of("policy", p), NANOS_PER_SECOND),
                        LatencyHistogram.CHECK_BOUNDS_NANOS)));
    }

    /** Writes the Prometheus text exposition format (version 0.0.4) of everything, JVM basics included. */
    public void writePrometheus(OutputStream out) throws IOException {
        exposition.write(out);
    }

    /** The Content-Type of {@link #writePrometheus}'s output. */
    public String contentType() {
        return exposition.contentType();
    }

    /**
     * The Content-Type of {@link #write(String, OutputStream)}'s output for a scrape that sent {@code accept}:
     * {@code application/openmetrics-text; version=1.0.0; charset=utf-8} when it accepts OpenMetrics, else the
     * Prometheus text format's.
     */
    public String contentType(String accept) {
        return exposition.writerFor(accept).getContentType();
    }

    /**
     * Writes everything in the format {@code accept} (the scrape's Accept header, null if none) asks for:
     * OpenMetrics text 1.0 (exemplars on the latency buckets, {@code # EOF} last) or Prometheus text 0.0.4.
     */
    public void write(String accept, OutputStream out) throws IOException {
        ExpositionFormatWriter format = exposition.writerFor(accept);
        exposition.write(format, out);
    }

    static int methodIndex(String method) {
        if (method == null) {
            return OTHER_METHOD;
        }
        switch (method) {
            case "GET": return 0;
            case "HEAD": return 1;
            case "POST": return 2;
            case "PUT": return 3;
            case "DELETE": return 4;
            case "PATCH": return 5;
            case "OPTIONS": return 6;
            case "TRACE": return 7;
            case "CONNECT": return 8;
            default: return OTHER_METHOD;
        }
    }

    static int statusClassIndex(int status) {
        return status >= 100 && status <= 599 ? status / 100 - 1 : OTHER_STATUS;
    }

    private RouteMetrics route(String routeId) {
        RouteMetrics route = routes.get(routeId);
        return route != null ? route : routes.computeIfAbsent(routeId, RouteMetrics::new);
    }

    private Timer upstreamDuration(String upstream) {
        Timer timer = upstreamDurations.get(upstream);
        return timer != null ? timer : upstreamDurations.computeIfAbsent(upstream, u -> timer(
                MetricRegistry.name("gateway.upstream", u, "duration"),
                new Series(UPSTREAM_DURATION, Labels.of("upstream", u), NANOS_PER_SECOND)));
    }

    private Counter rejectionCounter(String reason) {
        // Over the cap, new reasons share one series; the cap is approximate under races.
        String key = rejections.size() < MAX_REASONS ? reason : OTHER_REASON;
        return rejections.computeIfAbsent(key, r -> counter(MetricRegistry.name("gateway.listener.rejected", r),
                new Series(LISTENER_REJECTED, Labels.of("reason", r), 1)));
    }

    private Counter counter(String name, Series series) {
        return registry.counter(exposition.claim(name, series));
    }

    private Timer timer(String name, Series series) {
        return registry.timer(exposition.claim(name, series), SummingTimer::new);
    }

    /** The histogram registered under {@code name}, made with {@code boundsNanos} if there is none yet. */
    private LatencyHistogram histogram(String name, Series series, long[] boundsNanos) {
        String claimed = exposition.claim(name, series);
        if (registry.getMetrics().get(claimed) instanceof LatencyHistogram existing) {
            return existing;
        }
        LatencyHistogram histogram = new LatencyHistogram(boundsNanos);
        registry.remove(claimed);
        registry.register(claimed, histogram);
        return histogram;
    }

    /** Registers a gauge, replacing whatever held its name; returns the name used. */
    private String gauge(String name, Series series, Gauge<?> gauge) {
        String claimed = exposition.claim(name, series);
        registry.remove(claimed);
        registry.register(claimed, gauge);
        return claimed;
    }

    /** One route's counters, indexed [method * STATUS_CLASSES.length + statusClass], made on first use. */
    private final class RouteMetrics {
        private final String routeId;
        private final AtomicReferenceArray<Counter> requests =
                new AtomicReferenceArray<>(METHODS.length * STATUS_CLASSES.length);
        private final Timer duration;
        private final LatencyHistogram latency;

        RouteMetrics(String routeId) {
            this.routeId = routeId;
            this.duration = timer(MetricRegistry.name("gateway.requests", routeId, "duration"),
                    new Series(REQUEST_DURATION, Labels.of("route", routeId), NANOS_PER_SECOND));
            this.latency = histogram(MetricRegistry.name("gateway.requests", routeId, "latency"),
                    new Series(REQUEST_LATENCY, Labels.of("route", routeId), NANOS_PER_SECOND),
                    LatencyHistogram.REQUEST_BOUNDS_NANOS);
        }

        /** Requests answered since start; {@code serverErrorsOnly}: only those answered with a 5xx. */
        long count(boolean serverErrorsOnly) {
            long total = 0;
            for (int slot = 0; slot < METHODS.length * STATUS_CLASSES.length; slot++) {
                if (!serverErrorsOnly || slot % STATUS_CLASSES.length == SERVER_ERROR) {
                    Counter c = requests.get(slot);
                    total += c == null ? 0 : c.getCount();
                }
            }
            return total;
        }

        Counter requests(int slot) {
            Counter counter = requests.get(slot);
            return counter != null ? counter : createRequests(slot);
        }

        private Counter createRequests(int slot) {
            String method = METHODS[slot / STATUS_CLASSES.length];
            String statusClass = STATUS_CLASSES[slot % STATUS_CLASSES.length];
            Counter counter = counter(MetricRegistry.name("gateway.requests", routeId, method, statusClass),
                    new Series(REQUESTS, Labels.of("route", routeId, "method", method, "status_class", statusClass), 1));
            // Concurrent creators get the same Counter from the registry; either write is fine.
            requests.compareAndSet(slot, null, counter);
            return counter;
        }
    }
}
