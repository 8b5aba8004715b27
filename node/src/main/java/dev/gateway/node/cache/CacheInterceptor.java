package dev.gateway.node.cache;

import dev.gateway.node.observability.tracing.TraceSpan;
import dev.gateway.cluster.cache.ResponseStore;
import dev.gateway.cluster.cache.StoredResponse;
import dev.gateway.config.CacheConfig;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.http.HostNames;
import dev.gateway.node.pipeline.Interceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * A route's {@code cache:}. GET and HEAD only. A request is answered from the store when an entry exists
 * ({@code X-Cache: HIT}, {@code Age}); otherwise it goes on, and the answer is stored as it streams to the client
 * ({@code X-Cache: MISS}) when it may be: status 200, 203, 204, 300, 301, 404 or 410, no {@code no-store},
 * {@code private}, {@code no-cache}, no {@code Set-Cookie}, not {@code Vary: *}, not a {@code text/event-stream}
 * (server-sent events are live: they stream through, never stored), a body of at most
 * {@value #MAX_BODY_BYTES} bytes; kept for {@code s-maxage}, else {@code max-age}, at most the route's {@code ttl}.
 * The key is the route, the path and query, the host name (without port) and the route's {@code vary} headers; when the upstream varies
 * on more headers ({@code Vary}), the entry records which, and their values are part of the key. A request with
 * {@code Cache-Control: no-store} bypasses the cache, one with {@code no-cache} or {@code max-age=0} skips the
 * lookup and refreshes the entry. Requests with {@code Authorization} (and every request of a route with {@code auth})
 * bypass it ({@code X-Cache: BYPASS}) unless the route says {@code share-authorized: true}.
 */
public final class CacheInterceptor implements Interceptor {
    /** Larger bodies stream through uncached. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    private static final Set<Integer> CACHEABLE = Set.of(200, 203, 204, 300, 301, 404, 410);

    private final String routeId;
    private final CacheConfig config;
    private final boolean routeAuthenticates;
    private final ResponseStore store;
    private final CacheMetrics metrics;
    private final LongSupplier millis;
    private final List<String> vary;
    /** {@code gateway.cache.scope} of the lookup spans. */
    private final String scope;

    public CacheInterceptor(String routeId, CacheConfig config, boolean routeAuthenticates, ResponseStore store,
                            CacheMetrics metrics, LongSupplier millis) {
        this.routeId = routeId;
        this.config = config;
        this.routeAuthenticates = routeAuthenticates;
        this.store = store;
        this.metrics = metrics;
        this.millis = millis;
        this.scope = String.valueOf(config.scope()).toLowerCase(Locale.ROOT);
        this.vary = config.vary().stream().map(h -> h.toLowerCase(Locale.ROOT)).sorted().distinct().toList();
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        boolean head = request.method().equals("HEAD");
        if (!head && !request.method().equals("GET") || request.exchange().isWebSocket()) {
            return chain.proceed(request);
        }
        CacheControl cc = CacheControl.parse(request.headers().get("Cache-Control"));
        boolean perUser = !config.shareAuthorized()
                && (routeAuthenticates || request.headers().contains("Authorization"));
        if (perUser || cc.noStore()) {
            metrics.count(routeId, "bypass");
            looked(request, "bypass");
            return chain.proceed(request).thenApply(r -> mark(r, "BYPASS"));
        }
        String primary = primaryKey(request);
        boolean refresh = cc.noCache() || cc.maxAge() == 0
                || "no-cache".equalsIgnoreCase(request.headers().get("Pragma"));
        if (refresh) {
            looked(request, "refresh");
            return miss(chain, request, primary, head);
        }
        TraceSpan lookup = request.exchange().trace().child("cache lookup").set("gateway.cache.scope", scope());
        return store.get(primary).thenCompose(entry -> {
            if (entry != null && entry.isVaryMarker()) {
                String secondary = secondaryKey(primary, entry.varyOn(), request.headers());
                return store.get(secondary).thenCompose(e -> e == null || e.isVaryMarker()
                        ? miss(chain, request, primary, head, lookup) : hit(request, e, head, lookup));
            }
            return entry == null ? miss(chain, request, primary, head, lookup) : hit(request, entry, head, lookup);
        });
    }

    /** A lookup that did not go to the store: an instant span saying why. */
    private void looked(GatewayRequest request, String result) {
        request.exchange().trace().child("cache lookup").set("gateway.cache.scope", scope())
                .set("gateway.cache.result", result).set("gateway.coalesced", false).end();
    }

    private String scope() {
        return scope;
    }

    private CompletionStage<GatewayResponse> hit(GatewayRequest request, StoredResponse entry, boolean head,
                                                 TraceSpan lookup) {
        lookup.set("gateway.cache.result", "hit").set("gateway.coalesced", true).end(); // another request's upstream call answers
        return hit(request, entry, head);
    }

    private CompletionStage<GatewayResponse> miss(Chain chain, GatewayRequest request, String primary, boolean head,
                                                  TraceSpan lookup) {
        lookup.set("gateway.cache.result", "miss").set("gateway.coalesced", false).end();
        return miss(chain, request, primary, head);
    }

    private CompletionStage<GatewayResponse> hit(GatewayRequest request, StoredResponse entry, boolean head) {
        metrics.count(routeId, "hit");
        request.body().discard();
        Headers headers = new Headers(entry.headers().size() / 2 + 2);
        for (int i = 0; i < entry.headers().size(); i += 2) {
            headers.add(entry.headers().get(i), entry.headers().get(i + 1));
        }
        long age = entry.ageAtStoreSeconds() + Math.max(0, (millis.getAsLong() - entry.storedAtMillis()) / 1000);
        headers.set("Age", Long.toString(age));
        headers.set("X-Cache", "HIT");
        headers.set("Content-Length", Integer.toString(entry.body().length));
        return CompletableFuture.completedFuture(new GatewayResponse(entry.status(), headers,
                head ? Body.empty() : Body.of(entry.body())));
    }

    private CompletionStage<GatewayResponse> miss(Chain chain, GatewayRequest request, String primary, boolean head) {
        metrics.count(routeId, "miss");
        Headers requestHeaders = request.headers();
        return chain.proceed(request).thenApply(response -> {
            Duration ttl = head ? null : storable(response);
            if (ttl != null) {
                List<String> extra = extraVary(response.headers());
                long now = millis.getAsLong();
                long upstreamAge = ageOf(response.headers());
                List<String> stored = storedHeaders(response.headers());
                int status = response.status();
                Body tee = new TeeBody(response.body(), MAX_BODY_BYTES, bytes -> {
                    StoredResponse entry = new StoredResponse(status, stored, bytes, now, upstreamAge, List.of());
                    if (extra.isEmpty()) {
                        store.put(primary, entry, ttl);
                    } else {
                        store.put(primary, StoredResponse.varyMarker(extra, now), ttl);
                        store.put(secondaryKey(primary, extra, requestHeaders), entry, ttl);
                    }
                });
                response = new GatewayResponse(status, response.headers(), tee);
            }
            return mark(response, "MISS");
        });
    }

    /** How long {@code response} may be kept, or null when it may not be stored. */
    private Duration storable(GatewayResponse response) {
        if (!CACHEABLE.contains(response.status())) {
            return null;
        }
        Headers h = response.headers();
        CacheControl cc = CacheControl.parse(h.get("Cache-Control"));
        if (cc.noStore() || cc.isPrivate() || cc.noCache() || h.contains("Set-Cookie")) {
            return null;
        }
        if (isEventStream(h.get("Content-Type"))) {
            return null; // a replay would hand a finished stream to a client that wants live events
        }
        String varyHeader = h.get("Vary");
        if (varyHeader != null && varyHeader.contains("*")) {
            return null;
        }
        long length = response.body().length();
        if (length > MAX_BODY_BYTES) {
            return null;
        }
        Duration ttl = config.ttl();
        long seconds = cc.sMaxAge() >= 0 ? cc.sMaxAge() : cc.maxAge();
        if (seconds >= 0) {
            Duration fromUpstream = Duration.ofSeconds(Math.max(0, seconds - ageOf(h)));
            if (fromUpstream.compareTo(ttl) < 0) {
                ttl = fromUpstream;
            }
        }
        return ttl.isZero() || ttl.isNegative() ? null : ttl;
    }

    private static boolean isEventStream(String contentType) {
        return contentType != null && contentType.trim().regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    private static GatewayResponse mark(GatewayResponse response, String result) {
        response.headers().set("X-Cache", result);
        return response;
    }

    /** The route, path and query, host and the route's {@code vary} values. */
    String primaryKey(GatewayRequest request) {
        StringBuilder key = new StringBuilder(routeId).append('|').append(request.pathAndQuery()).append('|');
        key.append(HostNames.withoutPort(request.headers().get("Host"))); // routes match names, not ports
        for (String name : vary) {
            key.append('|').append(name).append('=').append(normalized(request.headers().getAll(name)));
        }
        return key.toString();
    }

    private static String secondaryKey(String primary, List<String> varyOn, Headers headers) {
        StringBuilder key = new StringBuilder(primary).append("|~");
        for (String name : varyOn) {
            key.append('|').append(name).append('=').append(normalized(headers.getAll(name)));
        }
        return key.toString();
    }

    /** The upstream's {@code Vary} names beyond the route's own {@code vary}, lower case, sorted. */
    private List<String> extraVary(Headers headers) {
        Set<String> extra = new TreeSet<>();
        for (String value : headers.getAll("Vary")) {
            for (String name : value.split(",")) {
                String n = name.trim().toLowerCase(Locale.ROOT);
                if (!n.isEmpty() && !vary.contains(n)) {
                    extra.add(n);
                }
            }
        }
        return new ArrayList<>(extra);
    }

    private static String normalized(List<String> values) {
        return String.join(",", values).trim().replace('|', ' ');
    }

    private static long ageOf(Headers headers) {
        String age = headers.get("Age");
        if (age == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(age.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The headers to replay on a hit: the upstream's, without Age, X-Cache and framing (set on the way out). */
    private static List<String> storedHeaders(Headers headers) {
        List<String> out = new ArrayList<>(headers.size() * 2);
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (name.equalsIgnoreCase("Age") || name.equalsIgnoreCase("X-Cache")
                    || name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            out.add(name);
            out.add(headers.value(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return "cache " + routeId;
    }
}
