package dev.gateway.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config syntax for sizes in bytes: an integer, alone (bytes) or with a binary unit ({@code B, KiB, MiB, GiB}),
 * e.g. {@code 16MiB}. {@link #format} picks the largest exact unit, so {@code parse(format(n)) == n} for every
 * {@code n >= 0}.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})(B|KiB|MiB|GiB)?");
    private static final String EXPECTED = " is not a size (expected: bytes, or e.g. 512KiB, 16MiB, 1GiB)";

    private Sizes() {
    }

    /**
     * Parses a size in config syntax.
     *
     * @throws IllegalArgumentException with a message {@code 'text' is not a size (expected: ...)}
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "'" + EXPECTED);
        }
        long n = Long.parseLong(m.group(1));
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        if (n > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("'" + text + "'" + EXPECTED);
        }
        return n << shift;
    }

    /** Formats in the largest binary unit that represents {@code bytes} exactly: 16777216 gives {@code 16MiB}. */
    public static String format(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("size: " + bytes + " (expected: >= 0)");
        }
        if (bytes == 0) {
            return "0B";
        }
        String[] units = {"GiB", "MiB", "KiB"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if ((bytes & ((1L << shifts[i]) - 1)) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return bytes + "B";
    }
}
