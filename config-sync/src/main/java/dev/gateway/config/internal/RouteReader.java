package dev.gateway.config.internal;

import dev.gateway.config.AggregatePart;
import dev.gateway.config.PathPattern;
import dev.gateway.config.Rewrite;
import dev.gateway.config.RouteConfig;
import dev.gateway.config.RouteMatch;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Binds one entry of {@code routes:}; transforms, cache and compression are in {@link RouteExtrasReader}. */
public final class RouteReader {
    private RouteReader() {
    }

    public static RouteConfig route(Node n) {
        int mark = n.errors().mark();
        if (!n.object("id", "match", "upstream", "rewrite", "auth", "rate-limits", "request", "response", "cache",
                "compression", "timeout", "aggregate", "preserve-host", "redirect-to-https", "websocket")) {
            return null;
        }
        String id = n.at("id").requiredText();
        Node m = n.at("match");
        RouteMatch match = m.required() ? match(m) : null;
        String upstream = n.at("upstream").text();
        Rewrite rewrite = rewrite(n.at("rewrite"));
        List<String> auth = n.at("auth").texts();
        List<String> rateLimits = n.at("rate-limits").texts();
        var request = RouteExtrasReader.request(n.at("request"));
        var response = RouteExtrasReader.response(n.at("response"));
        var cache = RouteExtrasReader.cache(n.at("cache"));
        var compression = RouteExtrasReader.compression(n.at("compression"));
        Duration timeout = n.at("timeout").duration(null);
        Map<String, AggregatePart> aggregate = n.at("aggregate").map(RouteReader::part);
        boolean preserveHost = n.at("preserve-host").bool(false);
        boolean redirectToHttps = n.at("redirect-to-https").bool(false);
        var websocket = RouteExtrasReader.websocket(n.at("websocket"));
        if (!n.errors().since(mark) && (upstream == null) == aggregate.isEmpty()) {
            n.error("expected exactly one of: upstream, aggregate");
            return null;
        }
        return n.build(mark, () -> new RouteConfig(id, match, upstream, rewrite, auth, rateLimits, request, response,
                cache, compression, timeout, aggregate, preserveHost, redirectToHttps, websocket));
    }

    private static RouteMatch match(Node n) {
        int mark = n.errors().mark();
        if (!n.object("path", "methods", "host", "headers", "query")) {
            return null;
        }
        PathPattern path = n.at("path").required() ? n.at("path").parse(PathPattern::parse, null) : null;
        Set<String> methods = new LinkedHashSet<>(n.at("methods").texts());
        String host = n.at("host").text();
        Map<String, String> headers = n.at("headers").textMap();
        Map<String, String> query = n.at("query").textMap();
        return n.build(mark, () -> new RouteMatch(path, methods, host, headers, query));
    }

    private static Rewrite rewrite(Node n) {
        int mark = n.errors().mark();
        if (!n.object("strip-prefix", "add-prefix", "regex", "replacement")) {
            return null;
        }
        String strip = n.at("strip-prefix").text();
        String add = n.at("add-prefix").text();
        String regex = n.at("regex").text();
        String replacement = n.at("replacement").text();
        return n.build(mark, () -> new Rewrite(strip, add, regex, replacement));
    }

    private static AggregatePart part(Node n) {
        int mark = n.errors().mark();
        if (!n.object("upstream", "path", "timeout", "optional")) {
            return null;
        }
        String upstream = n.at("upstream").requiredText();
        String path = n.at("path").requiredText();
        Duration timeout = n.at("timeout").duration(null);
        boolean optional = n.at("optional").bool(false);
        return n.build(mark, () -> new AggregatePart(upstream, path, timeout, optional));
    }
}
