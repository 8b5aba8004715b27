package dev.gateway.chaos.docker;

import static org.awaitility.Awaitility.await;

import dev.gateway.chaos.docker.ChaosLoad.Sample;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Timing of a scenario while its load runs (no sleeping): a timed phase is a deadline loop that polls a probe
 * every {@code every} until the deadline; a wait is Awaitility until a condition, returning when it became true.
 */
final class Phases {
    private Phases() {
    }

    /** Keeps polling {@code probe} (which may record what it sees) every {@code every} until {@code length} has passed. */
    static void hold(Duration length, Duration every, Runnable probe) {
        long deadline = System.nanoTime() + length.toNanos();
        await().atMost(length.plus(Duration.ofSeconds(30))).pollDelay(Duration.ZERO).pollInterval(every)
                .until(() -> {
                    probe.run();
                    return System.nanoTime() >= deadline;
                });
    }

    static void hold(Duration length) {
        hold(length, Duration.ofMillis(250), () -> { });
    }

    /** Polls {@code condition} every {@code every} until it holds; fails after {@code within}. */
    static void until(String what, Duration within, Duration every, BooleanSupplier condition) {
        await(what).atMost(within).pollDelay(Duration.ZERO).pollInterval(every).ignoreExceptions()
                .until(condition::getAsBoolean);
    }

    /** The first few failed answers, for the log and the report. */
    static String describeFailures(List<Sample> samples, int max) {
        return samples.stream().filter(Sample::failed).limit(max)
                .map(s -> String.format(Locale.ROOT, "t=%.2f s %s %s -> %s in %d ms%s", s.startSeconds(), s.target().kind(),
                        s.target().path(), s.status() == -1 ? "no answer (" + s.error() + ")" : s.status() + " " + abbreviate(s.body()),
                        s.latencyMillis(), ""))
                .collect(Collectors.joining("; "));
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
