package dev.gateway.config.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation and copying helpers for the config records. Every failure is an
 * {@link IllegalArgumentException} whose message has the shape {@code field: value (expected: ...)}.
 */
public final class Check {
    /** RFC 9110 token: header names, methods. */
    public static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Names of upstreams, consumers, policies, providers, routes. */
    public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

    private Check() {
    }

    public static void that(boolean ok, String field, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + show(value) + " (expected: " + expected + ")");
        }
    }

    public static <T> T notNull(T value, String field) {
        that(value != null, field, null, "a value");
        return value;
    }

    public static String name(String value, String field) {
        that(value != null && NAME.matcher(value).matches(), field, value, "letters, digits, '_', '.', '-'");
        return value;
    }

    public static String token(String value, String field) {
        that(value != null && TOKEN.matcher(value).matches(), field, value, "an RFC 9110 token, e.g. X-Request-Id");
        return value;
    }

    public static String headerValue(String value, String field) {
        that(value != null && value.indexOf('\r') < 0 && value.indexOf('\n') < 0 && value.indexOf('\0') < 0,
                field, value, "a header value without CR, LF or NUL");
        return value;
    }

    public static int atLeast(int value, int min, String field) {
        that(value >= min, field, value, ">= " + min);
        return value;
    }

    public static long atLeast(long value, long min, String field) {
        that(value >= min, field, value, ">= " + min);
        return value;
    }

    public static java.time.Duration positive(java.time.Duration value, String field) {
        notNull(value, field);
        that(!value.isNegative() && !value.isZero(), field, value, "> 0");
        return value;
    }

    /** Renders a value for an error message: strings quoted, durations in config syntax. */
    public static String show(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof java.time.Duration d) {
            return d.isNegative() ? d.toString() : dev.gateway.config.Durations.format(d);
        }
        if (value instanceof CharSequence || value instanceof java.net.URI) {
            return "'" + value + "'";
        }
        return String.valueOf(value);
    }

    public static <T> List<T> list(List<T> list, String field) {
        if (list == null) {
            return List.of();
        }
        for (T t : list) {
            that(t != null, field, null, "no null elements");
        }
        return List.copyOf(list);
    }

    public static <T> Set<T> set(Collection<T> set, String field) {
        if (set == null) {
            return Set.of();
        }
        for (T t : set) {
            that(t != null, field, null, "no null elements");
        }
        return Collections.unmodifiableSet(new LinkedHashSet<>(set));
    }

    public static <K, V> Map<K, V> map(Map<K, V> map, String field) {
        if (map == null) {
            return Map.of();
        }
        for (Map.Entry<K, V> e : map.entrySet()) {
            that(e.getKey() != null && e.getValue() != null, field, e.getKey(), "no null keys or values");
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
