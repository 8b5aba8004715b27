package dev.gateway.node.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.config.AggregatePart;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.http.QueryParameters;
import dev.gateway.node.observability.tracing.RequestTrace;
import dev.gateway.node.observability.tracing.TraceSpan;
import dev.gateway.node.pipeline.HopByHop;
import dev.gateway.node.pipeline.Interceptor;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClient;
import dev.gateway.node.upstream.UpstreamGroup;
import dev.gateway.node.upstream.UpstreamTarget;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The terminal link of an {@code aggregate} route (backend for frontend): GETs every part in parallel, each on its
 * own upstream with {@code {jwt.*}}, {@code {path.*}} (the route's regex groups) and {@code {query.*}} filled in,
 * and answers one JSON object keyed by part name. A required part that fails answers 502 (504 when it timed out)
 * naming the part, at once, without waiting for the others. An optional part that fails or times out is
 * {@code null}, with an {@code X-Aggregate-Warning} header saying why. The parts run in parallel, so the answer
 * takes as long as the slowest part, each bounded by its own {@code timeout}: never the sum.
 *
 * <p>Traced ({@code observability.tracing.export}), each part is a client span {@code GET <upstream>} under the
 * request's server span ({@code gateway.aggregate.part}, the target, the status), ended when the part's answer is
 * read whole or failed; the part's upstream gets it as the parent in {@code traceparent}.
 */
public final class AggregateInterceptor implements Interceptor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String via;
    private final List<Part> parts;
    private final Pattern pathRegex;
    private final UpstreamClient client;
    private final ScheduledExecutorService timer;

    /** One part, compiled. */
    record Part(String name, AggregatePart config, PartPath path, UpstreamGroup upstream) {
    }

    public AggregateInterceptor(Map<String, AggregatePart> parts, Map<String, UpstreamGroup> upstreams,
                                Pattern pathRegex, UpstreamClient client, ScheduledExecutorService timer,
                                String nodeName) {
        this.via = "1.1 " + nodeName;
        this.pathRegex = pathRegex;
        this.client = client;
        this.timer = timer;
        List<Part> compiled = new ArrayList<>();
        parts.forEach((name, config) -> compiled.add(new Part(name, config, new PartPath(config.path()),
                upstreams.get(config.upstream()))));
        this.parts = List.copyOf(compiled);
    }

    /**
     * The problems of {@code parts} on a route whose path is {@code pathRegex} (null when it is not a regex): a
     * {@code {path.NAME}} the regex has no group for. Empty when fine.
     */
    public static List<String> problems(String routeAt, Map<String, AggregatePart> parts, Pattern pathRegex) {
        List<String> out = new ArrayList<>();
        parts.forEach((name, part) -> {
            for (String needed : new PartPath(part.path()).pathNames()) {
                if (pathRegex == null || !hasGroup(pathRegex, needed)) {
                    out.add(routeAt + ".aggregate." + name + ".path: {path." + needed + "} needs a regex route path"
                            + " with a group named " + needed + " (or numbered " + needed + ")");
                }
            }
        });
        return out;
    }

    private static boolean hasGroup(Pattern regex, String name) {
        if (name.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(name) <= regex.matcher("").groupCount();
        }
        return regex.pattern().contains("(?<" + name + ">");
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        request.body().discard();
        Exchange exchange = request.exchange();
        Matcher matcher = pathRegex == null ? null : pathRegex.matcher(request.path());
        boolean matched = matcher != null && matcher.find();
        Map<String, CompletableFuture<JsonNode>> calls = new LinkedHashMap<>();
        for (Part part : parts) {
            calls.put(part.name(), call(part, request, matched ? matcher : null));
        }
        return new Gather(calls, parts).result().thenApply(gathered -> {
            exchange.upstreamName("aggregate");
            Headers headers = new Headers(3);
            headers.add("Content-Type", "application/json");
            headers.add("Via", via);
            if (!gathered.warnings().isEmpty()) {
                headers.add("X-Aggregate-Warning", String.join("; ", gathered.warnings()));
            }
            return new GatewayResponse(200, headers,
                    Body.of(gathered.body().toString().getBytes(StandardCharsets.UTF_8)));
        });
    }

    private CompletableFuture<JsonNode> call(Part part, GatewayRequest request, Matcher matcher) {
        Exchange exchange = request.exchange();
        String path;
        try {
            String query = request.query();
            path = part.path().fill(p -> switch (p[0]) {
                case "jwt" -> PartPath.claim(exchange.claims(), p[1]);
                case "query" -> QueryParameters.get(query, p[1]);
                default -> group(matcher, p[1]);
            });
        } catch (PartPath.MissingValueException e) {
            return CompletableFuture.failedFuture(new GatewayException(400, e.getMessage()));
        }
        UpstreamGroup group = part.upstream();
        UpstreamTarget target = group.pick(request);
        if (target == null) {
            return CompletableFuture.failedFuture(new GatewayException(503, "no healthy target in upstream "
                    + group.name()));
        }
        long timeoutNanos = part.config().timeout() == null ? group.responseTimeoutNanos()
                : part.config().timeout().toNanos();
        String pathAndQuery = target.basePath().isEmpty() ? path : target.basePath() + path;
        Headers headers = headers(request, target);
        TraceSpan span = partSpan(exchange.trace(), part, target, headers);
        UpstreamCall call = new UpstreamCall(target, "GET", pathAndQuery, headers, Body.empty(),
                exchange, group.connectTimeoutNanos(), timeoutNanos, group.pool(), span);
        group.started(target);
        CompletableFuture<GatewayResponse> sent = client.send(call);
        CompletableFuture<JsonNode> answer = sent.thenCompose(response -> {
            span.set("http.response.status_code", response.status()); // before the span can end
            return PartCall.read(response);
        });
        answer.whenComplete((json, failure) -> group.finished(target, failure == null));
        // the whole part (headers and body) within its timeout
        CompletableFuture<JsonNode> bounded = answer.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
        bounded.whenComplete((json, failure) -> {
            span.end(failure == null ? null : failureType(sent, failure));
            if (failure != null) {
                // Before the head: the exchange is cancelled. After it: the body may still be streaming, and
                // nobody reads it any more; discarding it closes its connection instead of leaving it busy.
                sent.cancel(false);
                sent.thenAccept(response -> response.body().discard());
            }
        });
        return bounded;
    }

    /** The part's client span ({@link TraceSpan#NONE} untraced); its {@code traceparent} replaces the request's. */
    private static TraceSpan partSpan(RequestTrace trace, Part part, UpstreamTarget target, Headers headers) {
        if (trace == RequestTrace.NONE) {
            return TraceSpan.NONE;
        }
        TraceSpan span = trace.client("GET " + part.upstream().name());
        if (trace.recording()) {
            span.set("http.request.method", "GET")
                    .set("server.address", target.host())
                    .set("server.port", target.port())
                    .set("gateway.upstream", part.upstream().name())
                    .set("gateway.upstream.target", target.key())
                    .set("gateway.aggregate.part", part.name());
        }
        headers.set("traceparent", span.traceparent());
        return span;
    }

    /** A failed part's {@code error.type}: the upstream's status, a timeout, a cancel, or the exception's kind. */
    private static String failureType(CompletableFuture<GatewayResponse> sent, Throwable failure) {
        if (sent.isDone() && !sent.isCompletedExceptionally()) {
            int status = sent.join().status();
            if (status < 200 || status > 299) {
                return Integer.toString(status);
            }
        }
        Throwable cause = ErrorResponses.unwrap(failure);
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return "timeout";
        }
        if (cause instanceof java.util.concurrent.CancellationException) {
            return "cancelled";
        }
        return cause == null ? "failed" : cause.getClass().getSimpleName();
    }

    private static String group(Matcher matcher, String name) {
        if (matcher == null) {
            return null;
        }
        try {
            return name.chars().allMatch(Character::isDigit) ? matcher.group(Integer.parseInt(name)) : matcher.group(name);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** The part request's headers: the client's end-to-end ones (identity, tracing, correlation), re-addressed. */
    private Headers headers(GatewayRequest request, UpstreamTarget target) {
        Headers in = request.headers();
        Headers out = new Headers(in.size() + 4);
        for (int i = 0; i < in.size(); i++) {
            String name = in.name(i);
            if (HopByHop.isHopByHop(name) || name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Expect")
                    || name.equalsIgnoreCase("Accept-Encoding") || name.equalsIgnoreCase("Accept")
                    || name.equalsIgnoreCase("Via")) {
                continue;
            }
            out.add(name, in.value(i));
        }
        Exchange exchange = request.exchange();
        out.add("Host", target.hostHeader());
        out.add("Accept", "application/json");
        out.set("X-Forwarded-For", exchange.clientAddress());
        out.set("X-Forwarded-Proto", exchange.scheme());
        out.add("Via", via);
        return out;
    }

    /** The parts' answers as they come in, and the moment the aggregate can answer. */
    private static final class Gather {
        private final Map<String, CompletableFuture<JsonNode>> calls;
        private final List<Part> parts;
        private final CompletableFuture<Gathered> result = new CompletableFuture<>();

        record Gathered(ObjectNode body, List<String> warnings) {
        }

        Gather(Map<String, CompletableFuture<JsonNode>> calls, List<Part> parts) {
            this.calls = calls;
            this.parts = parts;
            for (Part p : parts) {
                CompletableFuture<JsonNode> f = calls.get(p.name());
                if (!p.config().optional()) {
                    f.whenComplete((json, failure) -> {
                        if (failure != null) {
                            failRequired(p.name(), failure);
                        }
                    });
                }
            }
            // every part, each bounded by its own timeout; a failed required part ends it at once (above)
            CompletableFuture<?> waitFor = CompletableFuture.allOf(calls.values().stream()
                    .map(f -> f.handle((j, e) -> j)).toArray(CompletableFuture[]::new));
            waitFor.whenComplete((ignored, failure) -> {
                if (failure == null) {
                    assemble();
                }
            });
        }

        CompletableFuture<Gathered> result() {
            return result;
        }

        private void failRequired(String name, Throwable failure) {
            Throwable cause = ErrorResponses.unwrap(failure);
            int status = cause instanceof java.util.concurrent.TimeoutException ? 504
                    : cause instanceof GatewayException g && (g.status() == 504 || g.status() == 400) ? g.status() : 502;
            if (result.completeExceptionally(new GatewayException(status, "aggregate part '" + name + "' failed: "
                    + reason(cause)))) {
                calls.values().forEach(f -> f.cancel(false));
            }
        }

        private void assemble() {
            for (Part p : parts) {
                CompletableFuture<JsonNode> f = calls.get(p.name());
                if (!p.config().optional() && f.isCompletedExceptionally()) {
                    failRequired(p.name(), f.handle((j, e) -> e).join()); // whichever callback runs first
                    return;
                }
            }
            ObjectNode body = JSON.createObjectNode();
            List<String> warnings = new ArrayList<>();
            for (Part p : parts) {
                CompletableFuture<JsonNode> f = calls.get(p.name());
                if (f.isDone() && !f.isCompletedExceptionally()) {
                    body.set(p.name(), f.join());
                } else {
                    body.putNull(p.name());
                    if (f.isDone()) {
                        warnings.add(p.name() + ": " + reason(ErrorResponses.unwrap(f.handle((j, e) -> e).join())));
                    } else {
                        warnings.add(p.name() + ": no answer");
                        f.cancel(false);
                    }
                }
            }
            result.complete(new Gathered(body, warnings));
        }

        private static String reason(Throwable cause) {
            if (cause instanceof java.util.concurrent.TimeoutException) {
                return "timed out";
            }
            if (cause instanceof java.util.concurrent.CancellationException) {
                return "cancelled";
            }
            return cause == null ? "failed" : String.valueOf(cause.getMessage());
        }
    }
}
