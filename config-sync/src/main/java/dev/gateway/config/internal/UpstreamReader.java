package dev.gateway.config.internal;

import dev.gateway.config.ActiveHealth;
import dev.gateway.config.Balancing;
import dev.gateway.config.HealthConfig;
import dev.gateway.config.PassiveHealth;
import dev.gateway.config.PoolConfig;
import dev.gateway.config.Target;
import dev.gateway.config.Timeouts;
import dev.gateway.config.UpstreamConfig;
import dev.gateway.config.UpstreamProtocol;
import dev.gateway.config.UpstreamTls;
import java.time.Duration;
import java.util.List;

/** Binds one entry of {@code upstreams:}; resilience parts are in {@link ResilienceReader}. */
public final class UpstreamReader {
    private UpstreamReader() {
    }

    public static UpstreamConfig upstream(Node n) {
        int mark = n.errors().mark();
        if (!n.object("targets", "balancing", "pool", "timeouts", "health", "tls", "circuit-breaker", "retries",
                "hedging", "dns-refresh", "protocol")) {
            return null;
        }
        Node t = n.at("targets");
        t.required();
        List<Target> targets = t.list(UpstreamReader::target);
        if (t.present() && targets.isEmpty() && !n.errors().since(mark)) {
            t.error("[] (expected: at least one target)");
        }
        Balancing balancing = n.at("balancing").parse(Balancing::parse, Balancing.ROUND_ROBIN);
        PoolConfig pool = pool(n.at("pool"));
        Timeouts timeouts = timeouts(n.at("timeouts"));
        HealthConfig health = health(n.at("health"));
        UpstreamTls tls = tls(n.at("tls"));
        var breaker = ResilienceReader.circuitBreaker(n.at("circuit-breaker"));
        var retries = ResilienceReader.retries(n.at("retries"));
        var hedging = ResilienceReader.hedging(n.at("hedging"));
        Duration dnsRefresh = n.at("dns-refresh").duration(UpstreamConfig.DEFAULT_DNS_REFRESH);
        UpstreamProtocol protocol = n.at("protocol").parse(UpstreamProtocol::parse, UpstreamProtocol.HTTP1);
        return n.build(mark, () -> new UpstreamConfig(targets, balancing, pool, timeouts, health, tls, breaker,
                retries, hedging, dnsRefresh, protocol));
    }

    private static Target target(Node n) {
        if (n.present() && !n.at("url").present() && n.text() != null) {
            String url = n.text();
            return n.build(n.errors().mark(), () -> Target.of(url, 1));
        }
        int mark = n.errors().mark();
        if (!n.object("url", "weight")) {
            return null;
        }
        String url = n.at("url").requiredText();
        int weight = n.at("weight").integer(1);
        return n.build(mark, () -> Target.of(url, weight));
    }

    private static PoolConfig pool(Node n) {
        PoolConfig d = PoolConfig.defaults();
        if (!n.present()) {
            return d;
        }
        int mark = n.errors().mark();
        if (!n.object("max-connections", "idle-timeout", "max-lifetime")) {
            return null;
        }
        int max = n.at("max-connections").integer(d.maxConnections());
        Duration idle = n.at("idle-timeout").duration(d.idleTimeout());
        Duration lifetime = n.at("max-lifetime").duration(d.maxLifetime());
        return n.build(mark, () -> new PoolConfig(max, idle, lifetime));
    }

    private static Timeouts timeouts(Node n) {
        Timeouts d = Timeouts.defaults();
        if (!n.present()) {
            return d;
        }
        int mark = n.errors().mark();
        if (!n.object("connect", "response")) {
            return null;
        }
        Duration connect = n.at("connect").duration(d.connect());
        Duration response = n.at("response").duration(d.response());
        return n.build(mark, () -> new Timeouts(connect, response));
    }

    private static HealthConfig health(Node n) {
        int mark = n.errors().mark();
        if (!n.object("active", "passive")) {
            return null;
        }
        ActiveHealth active = active(n.at("active"));
        PassiveHealth passive = passive(n.at("passive"));
        return n.build(mark, () -> new HealthConfig(active, passive));
    }

    private static ActiveHealth active(Node n) {
        int mark = n.errors().mark();
        if (!n.object("path", "interval", "healthy-after", "unhealthy-after", "timeout")) {
            return null;
        }
        String path = n.at("path").requiredText();
        Duration interval = n.at("interval").duration(ActiveHealth.DEFAULT_INTERVAL);
        int healthy = n.at("healthy-after").integer(ActiveHealth.DEFAULT_THRESHOLD);
        int unhealthy = n.at("unhealthy-after").integer(ActiveHealth.DEFAULT_THRESHOLD);
        Duration timeout = n.at("timeout").duration(ActiveHealth.DEFAULT_TIMEOUT);
        return n.build(mark, () -> new ActiveHealth(path, interval, healthy, unhealthy, timeout));
    }

    private static PassiveHealth passive(Node n) {
        int mark = n.errors().mark();
        if (!n.object("unhealthy-after")) {
            return null;
        }
        int unhealthy = n.at("unhealthy-after").integer(PassiveHealth.DEFAULT_UNHEALTHY_AFTER);
        return n.build(mark, () -> new PassiveHealth(unhealthy));
    }

    private static UpstreamTls tls(Node n) {
        int mark = n.errors().mark();
        if (!n.object("ca", "cert", "key", "verify-hostname")) {
            return null;
        }
        String ca = n.at("ca").text();
        String cert = n.at("cert").text();
        String key = n.at("key").text();
        boolean verify = n.at("verify-hostname").bool(true);
        return n.build(mark, () -> new UpstreamTls(ca, cert, key, verify));
    }
}
