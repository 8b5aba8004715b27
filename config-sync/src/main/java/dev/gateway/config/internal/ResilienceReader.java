package dev.gateway.config.internal;

import dev.gateway.config.Backoff;
import dev.gateway.config.CircuitBreakerConfig;
import dev.gateway.config.HedgingConfig;
import dev.gateway.config.Percent;
import dev.gateway.config.RetryConfig;
import dev.gateway.config.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Binds an upstream's {@code circuit-breaker}, {@code retries} and {@code hedging}; each is null when absent. */
public final class ResilienceReader {
    private ResilienceReader() {
    }

    public static CircuitBreakerConfig circuitBreaker(Node n) {
        int mark = n.errors().mark();
        if (!n.object("scope", "failure-rate", "minimum-calls", "window", "open-for", "half-open-probes",
                "slow-call", "on", "consecutive-failures", "probe-wait")) {
            return null;
        }
        CircuitBreakerConfig d = CircuitBreakerConfig.defaults();
        Scope scope = n.at("scope").parse(Scope::parse, d.scope());
        Percent rate = n.at("failure-rate").parse(Percent::parse, d.failureRate());
        int minimum = n.at("minimum-calls").integer(d.minimumCalls());
        Duration window = n.at("window").duration(d.window());
        Duration openFor = n.at("open-for").duration(d.openFor());
        int probes = n.at("half-open-probes").integer(d.halfOpenProbes());
        Duration slow = n.at("slow-call").duration(null);
        List<String> on = n.at("on").present() ? n.at("on").texts() : d.on();
        int consecutive = n.at("consecutive-failures").integer(d.consecutiveFailures());
        Duration probeWait = n.at("probe-wait").duration(d.probeWait());
        return n.build(mark, () -> new CircuitBreakerConfig(scope, rate, minimum, window, openFor, probes, slow,
                new ArrayList<>(on), consecutive, probeWait));
    }

    public static RetryConfig retries(Node n) {
        int mark = n.errors().mark();
        if (!n.object("attempts", "on", "methods", "backoff", "budget")) {
            return null;
        }
        RetryConfig d = RetryConfig.defaults();
        int attempts = n.at("attempts").integer(d.attempts());
        List<String> on = n.at("on").present() ? n.at("on").texts() : d.on();
        var methods = n.at("methods").present() ? new LinkedHashSet<>(n.at("methods").texts()) : d.methods();
        Backoff backoff = backoff(n.at("backoff"));
        Percent budget = n.at("budget").parse(Percent::parse, d.budget());
        return n.build(mark, () -> new RetryConfig(attempts, new ArrayList<>(on), methods, backoff, budget));
    }

    private static Backoff backoff(Node n) {
        Backoff d = Backoff.defaults();
        if (!n.present()) {
            return d;
        }
        int mark = n.errors().mark();
        if (!n.object("initial", "max", "jitter")) {
            return null;
        }
        Duration initial = n.at("initial").duration(d.initial());
        Duration max = n.at("max").duration(d.max());
        Backoff.Jitter jitter = n.at("jitter").parse(Backoff.Jitter::parse, d.jitter());
        return n.build(mark, () -> new Backoff(initial, max, jitter));
    }

    public static HedgingConfig hedging(Node n) {
        int mark = n.errors().mark();
        if (!n.object("after", "max-extra")) {
            return null;
        }
        Duration after = n.at("after").required() ? n.at("after").duration(null) : null;
        int maxExtra = n.at("max-extra").integer(1);
        return n.build(mark, () -> new HedgingConfig(after, maxExtra));
    }
}
