package dev.gateway.node.observability.metrics;

import com.codahale.metrics.Counting;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one Dropwizard {@link MetricRegistry} into the Prometheus text format (0.0.4), or into
 * OpenMetrics text 1.0 when the scrape's {@code Accept} asks for it: the same families, plus the
 * exemplars of the {@link LatencyHistogram}s on their buckets (0.0.4 has no syntax for them).
 *
 * <p>Metrics registered through {@link #claim} carry their Prometheus family and labels with them:
 * many Dropwizard metrics ({@code gateway.requests.users.GET.2xx}, ...{@code .orders.POST.5xx})
 * become one family with labels ({@code gateway_requests_total{route,method,status_class}}). The
 * mapping is kept beside the registry instead of being parsed back out of the dotted names,
 * because label values (route ids, target URLs such as {@code http://127.0.0.1:9001}) may contain
 * dots.
 *
 * <p>Why not {@code DropwizardExports} with a {@code CustomLabelMapper} for these: in
 * client_java 1.4.3 the bridge emits one metric family per Dropwizard metric, so mapping two
 * Dropwizard names to one Prometheus name fails the whole scrape with
 * {@code "gateway_requests: duplicate metric name"} (client_java issue #1712); its glob patterns
 * also cannot capture values with dots, and its timer summaries have no {@code _sum}. Every other
 * metric in the registry (registered by someone else) still goes through {@code DropwizardExports}
 * with its default name sanitizing.
 *
 * <p>Thread-safe: {@link #claim}/{@link #release} from any thread, concurrent scrapes allowed.
 * A gauge whose supplier throws is left out of that scrape; it does not fail the scrape.
 */
final class PrometheusExposition {
    private static final Logger log = LoggerFactory.getLogger(PrometheusExposition.class);
    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};

    enum Type { COUNTER, GAUGE, SUMMARY, HISTOGRAM }

    /**
     * One Prometheus metric family. {@code name} is the base name: a counter's samples are written
     * as {@code name_total}, a summary's as {@code name}, {@code name_count}, {@code name_sum}.
     */
    record Family(String name, Type type, String help) {
    }

    /**
     * Where one Dropwizard metric goes: its family, its labels, and how many of its raw units make
     * one unit of the family (1e9 for a timer in nanoseconds exported in seconds, else 1).
     */
    record Series(Family family, Labels labels, double unitDivisor) {
    }

    private final MetricRegistry registry;
    private final ConcurrentMap<String, Series> series = new ConcurrentHashMap<>();
    private final DropwizardExports others;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();
    private final AtomicBoolean othersFailureLogged = new AtomicBoolean();

    PrometheusExposition(MetricRegistry registry) {
        this.registry = registry;
        this.others = new DropwizardExports(registry, (name, metric) -> !series.containsKey(name));
    }

    /**
     * Reserves a Dropwizard name for {@code s} and returns it: {@code baseName} itself, or
     * {@code baseName~2}, {@code ~3}... if another series already holds it. Claiming the same
     * series again returns the same name. Call it before registering the metric, so that no
     * scrape ever sees the metric without its mapping.
     */
    String claim(String baseName, Series s) {
        String name = baseName;
        for (int i = 2; ; i++) {
            Series previous = series.putIfAbsent(name, s);
            if (previous == null || previous.equals(s)) {
                return name;
            }
            name = baseName + "~" + i;
        }
    }

    /** Forgets a name's mapping; call it after removing the metric from the registry. */
    void release(String name) {
        series.remove(name);
    }

    String contentType() {
        return writer.getContentType();
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, collect());
    }

    /**
     * The format for a scrape that sent {@code accept} (null when it sent none): OpenMetrics text 1.0 when it
     * names {@code application/openmetrics-text} (Prometheus does, unless told to scrape 0.0.4 only), else
     * Prometheus text 0.0.4.
     */
    ExpositionFormatWriter writerFor(String accept) {
        return openMetrics.accepts(accept) ? openMetrics : writer;
    }

    void write(ExpositionFormatWriter format, OutputStream out) throws IOException {
        format.write(out, collect());
    }

    MetricSnapshots collect() {
        Map<String, FamilyPoints> families = new TreeMap<>();
        for (Map.Entry<String, Metric> entry : registry.getMetrics().entrySet()) {
            Series s = series.get(entry.getKey());
            if (s == null) {
                continue;
            }
            DataPointSnapshot point = point(entry.getKey(), s, entry.getValue());
            if (point != null) {
                families.computeIfAbsent(s.family().name(), name -> new FamilyPoints(s.family())).add(point);
            }
        }
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        Set<String> names = new HashSet<>();
        for (FamilyPoints family : families.values()) {
            MetricSnapshot snapshot = family.snapshot();
            names.add(snapshot.getMetadata().getPrometheusName());
            all.metricSnapshot(snapshot);
        }
        for (MetricSnapshot other : collectOthers()) {
            if (names.add(other.getMetadata().getPrometheusName())) {
                all.metricSnapshot(other);
            }
        }
        return all.build();
    }

    private MetricSnapshots collectOthers() {
        try {
            return others.collect();
        } catch (RuntimeException e) {
            // Two foreign Dropwizard names that sanitize to one Prometheus name, for instance.
            // The gateway's own families are still exported.
            if (othersFailureLogged.compareAndSet(false, true)) {
                log.warn("metrics registered outside GatewayMetrics cannot be exported; leaving them out", e);
            }
            return MetricSnapshots.of();
        }
    }

    private static DataPointSnapshot point(String name, Series s, Metric metric) {
        try {
            switch (s.family().type()) {
                case COUNTER: {
                    double value = number(metric);
                    return Double.isNaN(value) || value < 0 ? null
                            : CounterDataPointSnapshot.builder().labels(s.labels()).value(value / s.unitDivisor()).build();
                }
                case GAUGE: {
                    double value = number(metric);
                    return Double.isNaN(value) ? null
                            : GaugeDataPointSnapshot.builder().labels(s.labels()).value(value / s.unitDivisor()).build();
                }
                case SUMMARY:
                    return metric instanceof Timer timer ? summary(s, timer) : null;
                case HISTOGRAM:
                    return metric instanceof LatencyHistogram histogram ? histogram(s, histogram) : null;
                default:
                    return null;
            }
        } catch (RuntimeException e) {
            log.debug("metric {} left out of this scrape", name, e);
            return null;
        }
    }

    private static SummaryDataPointSnapshot summary(Series s, Timer timer) {
        Snapshot snapshot = timer.getSnapshot();
        List<Quantile> quantiles = new ArrayList<>(QUANTILES.length);
        for (double q : QUANTILES) {
            quantiles.add(new Quantile(q, snapshot.getValue(q) / s.unitDivisor()));
        }
        SummaryDataPointSnapshot.Builder point = SummaryDataPointSnapshot.builder()
                .labels(s.labels())
                .quantiles(Quantiles.of(quantiles))
                .count(timer.getCount());
        if (timer instanceof SummingTimer summing) {
            point.sum(summing.sumNanos() / s.unitDivisor());
        }
        return point.build();
    }

    private static HistogramDataPointSnapshot histogram(Series s, LatencyHistogram histogram) {
        long[] bounds = histogram.boundsNanos();
        double[] upper = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            upper[i] = bounds[i] / s.unitDivisor();
        }
        upper[bounds.length] = Double.POSITIVE_INFINITY;
        return HistogramDataPointSnapshot.builder()
                .labels(s.labels())
                .classicHistogramBuckets(ClassicHistogramBuckets.of(upper, histogram.bucketCounts()))
                .sum(histogram.sumNanos() / s.unitDivisor())
                .exemplars(exemplars(s, histogram))
                .build();
    }

    /**
     * The histogram's exemplars, one per bucket at most. The writer puts each on the bucket its value falls in:
     * the value is divided as the bounds are, so it lands in the bucket it was recorded in.
     */
    private static Exemplars exemplars(Series s, LatencyHistogram histogram) {
        List<Exemplar> out = null;
        for (LatencyHistogram.Exemplar e : histogram.exemplars()) {
            if (e == null) {
                continue;
            }
            if (out == null) {
                out = new ArrayList<>();
            }
            Exemplar.Builder exemplar = Exemplar.builder()
                    .value(e.nanos() / s.unitDivisor())
                    .traceId(e.traceId())
                    .timestampMillis(e.epochMillis());
            if (e.spanId() != null) {
                exemplar.spanId(e.spanId());
            }
            out.add(exemplar.build());
        }
        return out == null ? Exemplars.EMPTY : Exemplars.of(out);
    }

    /** A counter's or gauge's value; NaN when the metric has no numeric value. */
    private static double number(Metric metric) {
        if (metric instanceof Counting counting) {
            return counting.getCount();
        }
        if (metric instanceof Gauge<?> gauge) {
            Object value = gauge.getValue();
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            if (value instanceof Boolean bool) {
                return bool ? 1 : 0;
            }
        }
        return Double.NaN;
    }

    private static final class FamilyPoints {
        private final Family family;
        private final List<DataPointSnapshot> points = new ArrayList<>();
        private final Set<Labels> labels = new HashSet<>();

        FamilyPoints(Family family) {
            this.family = family;
        }

        void add(DataPointSnapshot point) {
            if (labels.add(point.getLabels())) {
                points.add(point);
            }
        }

        MetricSnapshot snapshot() {
            points.sort(Comparator.comparing(DataPointSnapshot::getLabels));
            MetricMetadata metadata = new MetricMetadata(family.name(), family.help());
            switch (family.type()) {
                case COUNTER:
                    return new CounterSnapshot(metadata, cast(CounterDataPointSnapshot.class));
                case GAUGE:
                    return new GaugeSnapshot(metadata, cast(GaugeDataPointSnapshot.class));
                case HISTOGRAM:
                    return new HistogramSnapshot(metadata, cast(HistogramDataPointSnapshot.class));
                default:
                    return new SummarySnapshot(metadata, cast(SummaryDataPointSnapshot.class));
            }
        }

        private <T extends DataPointSnapshot> List<T> cast(Class<T> type) {
            List<T> typed = new ArrayList<>(points.size());
            for (DataPointSnapshot point : points) {
                typed.add(type.cast(point));
            }
            return typed;
        }
    }
}
