package dev.gateway.node.observability.metrics;

import com.codahale.metrics.Clock;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Timer;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Dropwizard {@link Timer} that also keeps the exact sum of all recorded durations, so the
 * Prometheus summary gets a real {@code _sum} (a plain Timer only has a sampled mean), and that
 * samples into a {@link RecentSamplesReservoir} so recording never locks nor allocates.
 *
 * <p>Every way of recording (update, time, Context) goes through the histogram, so count and sum
 * always describe the same set of durations. Thread-safe.
 */
final class SummingTimer extends Timer {
    private final SummingHistogram histogram;

    SummingTimer() {
        this(new SummingHistogram(new RecentSamplesReservoir()), Clock.defaultClock());
    }

    private SummingTimer(SummingHistogram histogram, Clock clock) {
        super(new Meter(clock), histogram, clock);
        this.histogram = histogram;
    }

    /** Sum of all recorded durations, in nanoseconds. */
    long sumNanos() {
        return histogram.sum.sum();
    }

    private static final class SummingHistogram extends Histogram {
        final LongAdder sum = new LongAdder();

        SummingHistogram(RecentSamplesReservoir reservoir) {
            super(reservoir);
        }

        @Override
        public void update(long value) {
            super.update(value);
            sum.add(value);
        }
    }
}
