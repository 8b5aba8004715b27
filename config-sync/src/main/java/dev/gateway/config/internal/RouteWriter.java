package dev.gateway.config.internal;

import dev.gateway.config.RouteConfig;
import dev.gateway.config.Sizes;

/** Writes one route in canonical form. */
final class RouteWriter {
    private RouteWriter() {
    }

    static Json route(RouteConfig r) {
        var m = r.match();
        Json match = Json.object().put("path", m.path()).put("methods", m.methods()).put("host", m.host())
                .put("headers", m.headers()).put("query", m.query());
        Json rewrite = r.rewrite() == null ? null : Json.object()
                .put("strip-prefix", r.rewrite().stripPrefix())
                .put("add-prefix", r.rewrite().addPrefix())
                .put("regex", r.rewrite().regex())
                .put("replacement", r.rewrite().replacement());
        Json request = r.request().isEmpty() ? null : Json.object()
                .put("set-headers", r.request().setHeaders())
                .put("remove-headers", r.request().removeHeaders())
                .put("correlation-id", r.request().correlationId());
        Json response = r.response().isEmpty() ? null : Json.object()
                .put("set-headers", r.response().setHeaders())
                .put("remove-headers", r.response().removeHeaders());
        Json cache = r.cache() == null ? null : Json.object()
                .put("ttl", r.cache().ttl())
                .put("vary", r.cache().vary())
                .put("scope", r.cache().scope())
                .put("share-authorized", r.cache().shareAuthorized());
        Json compression = r.compression() == null ? null : Json.object()
                .put("types", r.compression().types())
                .put("min-bytes", r.compression().minBytes());
        Json websocket = r.websocket() == null ? null : Json.object()
                .put("idle-timeout", r.websocket().idleTimeout())
                .put("max-message", Sizes.format(r.websocket().maxMessage()));
        return Json.object()
                .put("id", r.id())
                .put("match", match)
                .put("upstream", r.upstream())
                .put("rewrite", rewrite)
                .put("auth", r.auth())
                .put("rate-limits", r.rateLimits())
                .put("request", request)
                .put("response", response)
                .put("cache", cache)
                .put("compression", compression)
                .put("timeout", r.timeout())
                .put("aggregate", SharedWriter.each(r.aggregate(), p -> Json.object()
                        .put("upstream", p.upstream())
                        .put("path", p.path())
                        .put("timeout", p.timeout())
                        .put("optional", p.optional())))
                .put("preserve-host", r.preserveHost())
                .put("redirect-to-https", r.redirectToHttps() ? Boolean.TRUE : null)
                .put("websocket", websocket);
    }
}
