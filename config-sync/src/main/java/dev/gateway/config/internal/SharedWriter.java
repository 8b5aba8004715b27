package dev.gateway.config.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gateway.config.AuthConfig;
import dev.gateway.config.ConsumerConfig;
import dev.gateway.config.JwtProvider;
import dev.gateway.config.RateLimitPolicy;
import dev.gateway.config.SharedConfig;
import dev.gateway.config.Sizes;
import dev.gateway.config.TraceExport;
import dev.gateway.config.TracingConfig;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Writes the shared sections in canonical form (keys in docs/configuration.md order, defaults filled in). */
final class SharedWriter {
    private SharedWriter() {
    }

    static void write(SharedConfig s, Json root) {
        root.put("upstreams", each(s.upstreams(), UpstreamWriter::upstream))
                .put("consumers", each(s.consumers(), SharedWriter::consumer))
                .put("auth", s.auth().isEmpty() ? null : auth(s.auth()))
                .put("rate-limits", each(s.rateLimits(), SharedWriter::policy))
                .put("routes", s.routes().stream().map(RouteWriter::route).toList())
                .put("observability", Json.object()
                        .put("access-log", Json.object().put("format", s.observability().accessLog().format())
                                .put("file", s.observability().accessLog().file())
                                .put("max-queue-bytes", Sizes.format(s.observability().accessLog().maxQueueBytes())))
                        .put("tracing", tracing(s.observability().tracing())));
    }

    private static Json tracing(TracingConfig t) {
        TraceExport e = t.export();
        Json export = e == null ? null : Json.object()
                .put("otlp", e.otlp())
                .put("protocol", e.grpc() ? e.protocol() : null) // the default left out: older canonical forms stay
                .put("sample", JsonNodeFactory.instance.numberNode(new BigDecimal(TraceExport.formatSample(e.sample()))))
                .put("parent-based", e.parentBased())
                .put("batch", Json.object()
                        .put("max-queue", e.batch().maxQueue())
                        .put("max-export", e.batch().maxExport())
                        .put("interval", e.batch().interval()))
                .put("resource", e.resource());
        return Json.object().put("propagate", t.propagate()).put("export", export);
    }

    static <T> Map<String, Json> each(Map<String, T> map, Function<T, Json> writer) {
        Map<String, Json> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, writer.apply(v)));
        return out;
    }

    private static Json consumer(ConsumerConfig c) {
        return Json.object().put("api-keys", c.apiKeys()).put("jwt-subjects", c.jwtSubjects()).put("plan", c.plan());
    }

    private static Json auth(AuthConfig a) {
        Json apiKey = a.apiKey() == null ? null
                : Json.object().put("header", a.apiKey().header()).put("query", a.apiKey().query());
        return Json.object()
                .put("jwt", a.jwt().stream().map(SharedWriter::jwt).toList())
                .put("api-key", apiKey)
                .put("introspection", a.introspection().stream().map(p -> Json.object()
                        .put("id", p.id())
                        .put("url", p.url())
                        .put("client-id", p.clientId())
                        .put("client-secret", p.clientSecret())
                        .put("cache-for", p.cacheFor())
                        .put("timeout", p.timeout())).toList());
    }

    private static Json jwt(JwtProvider p) {
        return Json.object()
                .put("id", p.id())
                .put("issuer", p.issuer())
                .put("audiences", p.audiences())
                .put("jwks-url", p.jwksUrl())
                .put("keys", p.keys().stream().map(k -> Json.object().put("kid", k.kid()).put("pem", k.pem())).toList())
                .put("hs-secret", p.hsSecret())
                .put("algorithms", p.algorithms())
                .put("clock-skew", p.clockSkew())
                .put("required-claims", p.requiredClaims())
                .put("max-token-bytes", p.maxTokenBytes())
                .put("jwks-refresh", p.jwksRefresh());
    }

    private static Json policy(RateLimitPolicy p) {
        return Json.object()
                .put("algorithm", p.algorithm())
                .put("limit", p.limit())
                .put("per", p.per())
                .put("burst", p.burst())
                .put("key", p.key().parts().size() == 1 ? p.key().parts().get(0) : p.key().parts())
                .put("on-cluster-failure", p.onClusterFailure())
                .put("max-keys", p.maxKeys());
    }
}
