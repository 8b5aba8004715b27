package dev.gateway.config.internal;

import dev.gateway.config.ConsumerConfig;
import dev.gateway.config.RateLimitKey;
import dev.gateway.config.RateLimitPolicy;
import java.time.Duration;
import java.util.List;

/** Binds one entry of {@code consumers:} and one entry of {@code rate-limits:}. */
public final class ConsumerReader {
    private ConsumerReader() {
    }

    public static ConsumerConfig consumer(Node n) {
        int mark = n.errors().mark();
        if (!n.object("api-keys", "jwt-subjects", "plan")) {
            return null;
        }
        List<String> keys = n.at("api-keys").texts();
        List<String> subjects = n.at("jwt-subjects").texts();
        String plan = n.at("plan").text();
        return n.build(mark, () -> new ConsumerConfig(keys, subjects, plan));
    }

    public static RateLimitPolicy rateLimit(Node n) {
        int mark = n.errors().mark();
        if (!n.object("algorithm", "limit", "per", "burst", "key", "on-cluster-failure", "max-keys")) {
            return null;
        }
        var algorithm = n.at("algorithm").parse(RateLimitPolicy.Algorithm::parse, RateLimitPolicy.Algorithm.TOKEN_BUCKET);
        long limit = n.at("limit").required() ? n.at("limit").longValue(1) : 1;
        Duration per = n.at("per").required() ? n.at("per").duration(null) : null;
        Long burst = n.at("burst").longValue();
        RateLimitKey key = key(n.at("key"));
        var failure = n.at("on-cluster-failure").parse(RateLimitPolicy.FailureMode::parse,
                RateLimitPolicy.FailureMode.LOCAL);
        long maxKeys = n.at("max-keys").longValue(RateLimitPolicy.DEFAULT_MAX_KEYS);
        return n.build(mark, () -> new RateLimitPolicy(algorithm, limit, per, burst, key, failure, maxKeys));
    }

    private static RateLimitKey key(Node n) {
        if (!n.present()) {
            return RateLimitKey.CONSUMER;
        }
        if (!n.isList()) {
            return n.parse(RateLimitKey::parse, null);
        }
        int mark = n.errors().mark();
        List<String> parts = n.texts();
        return n.buildValue(mark, () -> new RateLimitKey(parts));
    }
}
