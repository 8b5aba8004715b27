package dev.gateway.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config syntax for durations: an integer and a unit ({@code ns, us, ms, s, m, h, d}), or several
 * of them combined largest first ({@code 1m30s}). {@link #format} picks the largest exact unit,
 * so {@code parse(format(d)).equals(d)} for every non-negative duration.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ns|us|ms|s|m|h|d)");
    private static final String EXPECTED = " is not a duration (expected: e.g. 250ms, 2s, 1m, 1h, 1d)";

    private Durations() {
    }

    /**
     * Parses a duration in config syntax.
     *
     * @throws IllegalArgumentException with a message {@code 'text' is not a duration (expected: ...)}
     */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "'" + EXPECTED);
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int pos = 0;
        int lastRank = Integer.MAX_VALUE;
        try {
            while (pos < text.length()) {
                if (!m.find(pos) || m.start() != pos) {
                    throw new IllegalArgumentException("'" + text + "'" + EXPECTED);
                }
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2);
                int rank = rank(unit);
                if (rank >= lastRank) {
                    throw new IllegalArgumentException("'" + text + "'" + EXPECTED);
                }
                lastRank = rank;
                total = total.plus(of(n, unit));
                pos = m.end();
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "'" + EXPECTED);
        }
        return total;
    }

    /** Formats in the largest unit that represents {@code d} exactly: 60000ms gives {@code 1m}. */
    public static String format(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("duration: " + d + " (expected: >= 0)");
        }
        if (d.isZero()) {
            return "0s";
        }
        if (d.getNano() == 0) {
            long s = d.getSeconds();
            if (s % 86_400 == 0) {
                return s / 86_400 + "d";
            }
            if (s % 3_600 == 0) {
                return s / 3_600 + "h";
            }
            if (s % 60 == 0) {
                return s / 60 + "m";
            }
            return s + "s";
        }
        long nanos = d.toNanos();
        if (nanos % 1_000_000 == 0) {
            return nanos / 1_000_000 + "ms";
        }
        if (nanos % 1_000 == 0) {
            return nanos / 1_000 + "us";
        }
        return nanos + "ns";
    }

    private static int rank(String unit) {
        return switch (unit) {
            case "ns" -> 0;
            case "us" -> 1;
            case "ms" -> 2;
            case "s" -> 3;
            case "m" -> 4;
            case "h" -> 5;
            default -> 6;
        };
    }

    private static Duration of(long n, String unit) {
        return switch (unit) {
            case "ns" -> Duration.ofNanos(n);
            case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1_000L));
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
