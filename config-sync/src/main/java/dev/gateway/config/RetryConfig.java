package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Retries of one upstream: up to {@code attempts} retries (after the first try) of requests whose method is in
 * {@code methods}, when the failure is in {@code on} ({@code connect-failure}, {@code timeout}, or a status
 * 500..599 as a 3-digit string). Retries add at most {@code budget} of the upstream's request rate.
 */
public record RetryConfig(int attempts, List<String> on, Set<String> methods, Backoff backoff, Percent budget) {
    public static final List<String> DEFAULT_ON = List.of("connect-failure", "502", "503", "504");
    public static final Set<String> DEFAULT_METHODS = Check.set(List.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS"), "");

    public RetryConfig {
        Check.that(attempts >= 0 && attempts <= 10, "attempts", attempts, "0..10");
        on = Check.list(on, "on");
        for (String o : on) {
            Check.that(o.equals("connect-failure") || o.equals("timeout") || o.matches("5\\d\\d"), "on", o,
                    "connect-failure, timeout or a status 500..599");
        }
        List<String> upper = new ArrayList<>();
        for (String m : Check.list(methods == null ? null : new ArrayList<>(methods), "methods")) {
            upper.add(Check.token(m, "methods").toUpperCase(Locale.ROOT));
        }
        methods = Check.set(upper, "methods");
        Check.notNull(backoff, "backoff");
        Check.notNull(budget, "budget");
    }

    /** 2 attempts on connect-failure, 502, 503, 504 for idempotent methods, default backoff, 20% budget. */
    public static RetryConfig defaults() {
        return new RetryConfig(2, DEFAULT_ON, DEFAULT_METHODS, Backoff.defaults(), new Percent(20));
    }
}
