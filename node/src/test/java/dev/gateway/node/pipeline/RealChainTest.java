package dev.gateway.node.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.PathPattern;
import dev.gateway.config.RequestTransform;
import dev.gateway.config.ResponseTransform;
import dev.gateway.config.RouteConfig;
import dev.gateway.config.RouteMatch;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The chain enforces its own contract: proceed at most once, never a null stage, a terminal link exists. */
class RealChainTest {
    private static final Route ROUTE = new Route(new RouteConfig("r1", RouteMatch.path(PathPattern.parse("/**")), "u",
            null, List.of(), List.of(), RequestTransform.none(), ResponseTransform.none(), null, null, null, Map.of(),
            false), List.of());

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Test
    void runsInterceptorsInOrderAndUnwindsInReverse() {
        List<Interceptor> chain = List.of(recording("a"), recording("b"), recording("c"), terminal(200));

        GatewayResponse response = join(RealChain.run(chain, ROUTE, request("/start")));

        assertThat(response.status()).isEqualTo(200);
        assertThat(events).containsExactly("a>", "b>", "c>", "terminal /start", "<c", "<b", "<a");
    }

    @Test
    void eachLinkSeesTheRequestThePreviousOnePassedAndTheRoute() {
        Interceptor rewrite = chain -> chain.proceed(chain.request().withPath(chain.request().path() + "/x"));
        Interceptor check = chain -> {
            events.add(chain.route().id() + " " + chain.request().path());
            return chain.proceed(chain.request());
        };

        join(RealChain.run(List.of(rewrite, rewrite, check, terminal(204)), ROUTE, request("/p")));

        assertThat(events).containsExactly("r1 /p/x/x", "terminal /p/x/x");
    }

    @Test
    void proceedingTwiceFailsTheSecondCall() {
        AtomicInteger terminalCalls = new AtomicInteger();
        Interceptor twice = chain -> {
            chain.proceed(chain.request());
            return chain.proceed(chain.request());
        };
        Interceptor counting = chain -> {
            terminalCalls.incrementAndGet();
            return CompletableFuture.completedFuture(response(200));
        };

        Throwable failure = failureOf(RealChain.run(List.of(twice, counting), ROUTE, request("/")));

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must call proceed() at most once");
        assertThat(terminalCalls).hasValue(1);
    }

    @Test
    void theFirstProceedStillCompletesNormallyWhenASecondIsAttempted() {
        List<CompletionStage<GatewayResponse>> stages = new ArrayList<>();
        Interceptor twice = chain -> {
            CompletionStage<GatewayResponse> first = chain.proceed(chain.request());
            stages.add(chain.proceed(chain.request()));
            return first;
        };

        GatewayResponse response = join(RealChain.run(List.of(twice, terminal(201)), ROUTE, request("/")));

        assertThat(response.status()).isEqualTo(201);
        assertThat(failureOf(stages.get(0))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aNullStageIsAFailureNotAHang() {
        Interceptor broken = new Interceptor() {
            @Override
            public CompletionStage<GatewayResponse> intercept(Chain chain) {
                return null;
            }

            @Override
            public String toString() {
                return "broken link";
            }
        };

        Throwable failure = failureOf(RealChain.run(List.of(recording("a"), broken), ROUTE, request("/")));

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken link")
                .hasMessageContaining("null stage");
        assertThat(events).containsExactly("a>", "<a");
    }

    @Test
    void aChainWithoutTerminalLinkFails() {
        Throwable failure = failureOf(RealChain.run(List.of(recording("a"), recording("b")), ROUTE, request("/")));

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("route r1 has no terminal interceptor");
        assertThat(events).containsExactly("a>", "b>", "<b", "<a");
    }

    @Test
    void anEmptyChainFails() {
        Throwable failure = failureOf(RealChain.run(List.of(), ROUTE, request("/")));

        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("no terminal interceptor");
    }

    @Test
    void anInterceptorThatThrowsFailsTheStageInsteadOfThrowing() {
        Interceptor throwing = chain -> {
            throw new IllegalArgumentException("boom");
        };

        CompletionStage<GatewayResponse> stage = RealChain.run(List.of(recording("a"), throwing), ROUTE, request("/"));

        assertThat(failureOf(stage)).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
    }

    @Test
    void contractFailuresBecomeA500ForTheClient() {
        Throwable failure = failureOf(RealChain.run(List.of(recording("a")), ROUTE, request("/")));

        GatewayResponse answer = ErrorResponses.fromFailure(failure, request("/").exchange());

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.headers().get("Content-Type")).isEqualTo("application/json");
    }

    private Interceptor recording(String name) {
        return chain -> {
            events.add(name + ">");
            return chain.proceed(chain.request()).whenComplete((r, e) -> events.add("<" + name));
        };
    }

    private Interceptor terminal(int status) {
        return chain -> {
            events.add("terminal " + chain.request().path());
            return CompletableFuture.completedFuture(response(status));
        };
    }

    private static GatewayResponse response(int status) {
        return new GatewayResponse(status, new Headers(), Body.empty());
    }

    private static GatewayRequest request(String path) {
        return new GatewayRequest(new Exchange("127.0.0.1", "http", System.nanoTime(), "req-1"), "GET", path, null,
                new Headers(), Body.empty());
    }

    private static GatewayResponse join(CompletionStage<GatewayResponse> stage) {
        return stage.toCompletableFuture().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private static Throwable failureOf(CompletionStage<GatewayResponse> stage) {
        CompletableFuture<GatewayResponse> future = stage.toCompletableFuture();
        assertThat(future).failsWithin(Duration.ofSeconds(5));
        return ErrorResponses.unwrap(future.handle((r, e) -> e).join());
    }
}
