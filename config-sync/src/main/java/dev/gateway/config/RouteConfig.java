package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One route, tried in file order; the first whose {@link RouteMatch} fits takes the request. It forwards to
 * {@code upstream}, or (exactly one of the two) fans out to the {@code aggregate} parts and answers with a JSON
 * object keyed by part name. {@code auth} lists {@code api-key}, {@code jwt:<id>}, {@code introspection:<id>}:
 * any one must pass (empty = public). {@code timeout} (nullable) bounds the whole exchange, across retries, the response body included
 * (a body still streaming then is cut).
 * {@code preserveHost} forwards the client's Host header instead of the target's. {@code websocket} (nullable):
 * the route accepts WebSocket upgrades; without it an upgrade request to the route is refused (400).
 */
public record RouteConfig(String id, RouteMatch match, String upstream, Rewrite rewrite, List<String> auth,
                          List<String> rateLimits, RequestTransform request, ResponseTransform response,
                          CacheConfig cache, CompressionConfig compression, Duration timeout,
                          Map<String, AggregatePart> aggregate, boolean preserveHost, boolean redirectToHttps,
                          WebSocketConfig websocket) {
    public RouteConfig {
        Check.name(id, "id");
        Check.notNull(match, "match");
        aggregate = Check.map(aggregate, "aggregate");
        Check.that((upstream == null) != aggregate.isEmpty(), "upstream", upstream,
                "exactly one of upstream or aggregate");
        if (upstream != null) {
            Check.name(upstream, "upstream");
        }
        aggregate.keySet().forEach(k -> Check.name(k, "aggregate"));
        Check.that(rewrite == null || upstream != null, "rewrite", "...", "no rewrite on an aggregate route");
        auth = Check.list(auth, "auth");
        for (String a : auth) {
            Check.that(a.equals("api-key") || a.matches("(jwt|introspection):[a-zA-Z0-9_.-]+"), "auth", a,
                    "api-key, jwt:<id> or introspection:<id>");
        }
        Check.that(auth.stream().distinct().count() == auth.size(), "auth", auth, "no duplicates");
        rateLimits = Check.list(rateLimits, "rateLimits");
        rateLimits.forEach(r -> Check.name(r, "rateLimits"));
        Check.that(rateLimits.stream().distinct().count() == rateLimits.size(), "rateLimits", rateLimits,
                "no duplicates");
        Check.notNull(request, "request");
        Check.notNull(response, "response");
        Check.that(timeout == null || (!timeout.isNegative() && !timeout.isZero()), "timeout", timeout, "> 0");
        Check.that(websocket == null || upstream != null, "websocket", "...", "no websocket on an aggregate route");
    }

    /** The same route without {@code websocket} (the shape before that key existed). */
    public RouteConfig(String id, RouteMatch match, String upstream, Rewrite rewrite, List<String> auth,
                       List<String> rateLimits, RequestTransform request, ResponseTransform response,
                       CacheConfig cache, CompressionConfig compression, Duration timeout,
                       Map<String, AggregatePart> aggregate, boolean preserveHost, boolean redirectToHttps) {
        this(id, match, upstream, rewrite, auth, rateLimits, request, response, cache, compression, timeout, aggregate,
                preserveHost, redirectToHttps, null);
    }

    /** The same route without {@code redirect-to-https} (the shape before that key existed). */
    public RouteConfig(String id, RouteMatch match, String upstream, Rewrite rewrite, List<String> auth,
                       List<String> rateLimits, RequestTransform request, ResponseTransform response,
                       CacheConfig cache, CompressionConfig compression, Duration timeout,
                       Map<String, AggregatePart> aggregate, boolean preserveHost) {
        this(id, match, upstream, rewrite, auth, rateLimits, request, response, cache, compression, timeout, aggregate,
                preserveHost, false);
    }

    /** Whether this route fans out to {@link #aggregate()} parts instead of forwarding to one upstream. */
    public boolean isAggregate() {
        return !aggregate.isEmpty();
    }
}
