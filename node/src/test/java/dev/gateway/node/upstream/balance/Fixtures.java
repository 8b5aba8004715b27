package dev.gateway.node.upstream.balance;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.Headers;
import dev.gateway.node.upstream.Balancer;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/** Targets, requests and pick counting for the balancer tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** Target {@code i} of upstream "users", at 127.0.0.1:(9000 + i). */
    static UpstreamTarget target(int i, int weight) {
        String key = "127.0.0.1:" + (9000 + i);
        return new UpstreamTarget("users", "127.0.0.1", 9000 + i, false, "", key, weight, key);
    }

    /** Targets 1..n, all of weight 1. */
    static List<UpstreamTarget> targets(int n) {
        List<UpstreamTarget> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(target(i, 1));
        }
        return out;
    }

    static GatewayRequest request(String clientIp) {
        return request(clientIp, new Headers());
    }

    static GatewayRequest request(String clientIp, String header, String value) {
        return request(clientIp, new Headers().add(header, value));
    }

    static GatewayRequest request(String clientIp, Headers headers) {
        return new GatewayRequest(new Exchange(clientIp, "http", System.nanoTime(), "id"), "GET", "/", null,
                headers, Body.empty());
    }

    /** A distinct IPv4 address for every {@code i} below 2^24. */
    static String ip(int i) {
        return "10." + ((i >>> 16) & 0xff) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff);
    }

    /** How many of {@code n} picks, request {@code i} made by {@code requests}, went to each target. */
    static Map<UpstreamTarget, Long> counts(Balancer balancer, int n, IntFunction<GatewayRequest> requests) {
        List<UpstreamTarget> picks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            picks.add(balancer.pick(requests.apply(i)));
        }
        return picks.stream().collect(Collectors.groupingBy(t -> t, Collectors.counting()));
    }
}
