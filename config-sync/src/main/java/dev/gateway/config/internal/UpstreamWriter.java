package dev.gateway.config.internal;

import dev.gateway.config.CircuitBreakerConfig;
import dev.gateway.config.HealthConfig;
import dev.gateway.config.RetryConfig;
import dev.gateway.config.UpstreamConfig;

/** Writes one upstream in canonical form. */
final class UpstreamWriter {
    private UpstreamWriter() {
    }

    static Json upstream(UpstreamConfig u) {
        return Json.object()
                .put("targets", u.targets().stream()
                        .map(t -> Json.object().put("url", t.url()).put("weight", t.weight())).toList())
                .put("balancing", u.balancing())
                .put("pool", Json.object().put("max-connections", u.pool().maxConnections())
                        .put("idle-timeout", u.pool().idleTimeout()).put("max-lifetime", u.pool().maxLifetime()))
                .put("timeouts", Json.object().put("connect", u.timeouts().connect())
                        .put("response", u.timeouts().response()))
                .put("health", health(u.health()))
                .put("tls", u.tls() == null ? null : Json.object().put("ca", u.tls().ca()).put("cert", u.tls().cert())
                        .put("key", u.tls().key()).put("verify-hostname", u.tls().verifyHostname()))
                .put("circuit-breaker", breaker(u.circuitBreaker()))
                .put("retries", retries(u.retries()))
                .put("hedging", u.hedging() == null ? null : Json.object().put("after", u.hedging().after())
                        .put("max-extra", u.hedging().maxExtra()))
                .put("dns-refresh", u.dnsRefresh())
                .put("protocol", u.protocol().toString());
    }

    private static Json health(HealthConfig h) {
        if (h == null) {
            return null;
        }
        Json active = null;
        if (h.active() != null) {
            var a = h.active();
            active = Json.object().put("path", a.path()).put("interval", a.interval())
                    .put("healthy-after", a.healthyAfter()).put("unhealthy-after", a.unhealthyAfter())
                    .put("timeout", a.timeout());
        }
        Json passive = h.passive() == null ? null
                : Json.object().put("unhealthy-after", h.passive().unhealthyAfter());
        return Json.object().put("active", active).put("passive", passive);
    }

    private static Json breaker(CircuitBreakerConfig b) {
        if (b == null) {
            return null;
        }
        return Json.object()
                .put("scope", b.scope())
                .put("failure-rate", b.failureRate())
                .put("minimum-calls", b.minimumCalls())
                .put("window", b.window())
                .put("open-for", b.openFor())
                .put("half-open-probes", b.halfOpenProbes())
                .put("slow-call", b.slowCall())
                .put("on", b.on())
                .put("consecutive-failures", b.consecutiveFailures())
                .put("probe-wait", b.probeWait());
    }

    private static Json retries(RetryConfig r) {
        if (r == null) {
            return null;
        }
        return Json.object()
                .put("attempts", r.attempts())
                .putList("on", r.on())
                .putList("methods", r.methods())
                .put("backoff", Json.object().put("initial", r.backoff().initial()).put("max", r.backoff().max())
                        .put("jitter", r.backoff().jitter()))
                .put("budget", r.budget());
    }
}
