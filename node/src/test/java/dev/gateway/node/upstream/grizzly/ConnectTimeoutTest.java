package dev.gateway.node.upstream.grizzly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.support.Blackhole;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamConnectException;
import dev.gateway.node.upstream.UpstreamTarget;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connect that outlives the connect timeout, against a {@link Blackhole} (a connect stays pending there, as
 * towards a vanished host): the call fails as a connect failure at the connect timeout, and the pending connect is
 * let go then, so that its pool slot goes to the next call at once instead of when the operating system gives up
 * (about two minutes on Linux). A call queued behind it would otherwise fail only at its response timeout, and its
 * evidence reach the breaker that much later.
 */
class ConnectTimeoutTest {
    private static final long CONNECT = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long RESPONSE = TimeUnit.SECONDS.toNanos(5);

    private Blackhole blackhole;
    private TCPNIOTransport transport;
    private ScheduledExecutorService timer;
    private GrizzlyUpstreamClient client;
    private UpstreamTarget target;

    @BeforeEach
    void start() throws Exception {
        blackhole = Blackhole.open();
        target = new UpstreamTarget("up", "127.0.0.1", blackhole.port(), false, "", "127.0.0.1", 1, "bh");
        transport = TCPNIOTransportBuilder.newInstance().build();
        transport.start();
        timer = Executors.newSingleThreadScheduledExecutor();
        client = new GrizzlyUpstreamClient(transport, 65536, timer);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (transport != null) {
            transport.shutdownNow();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        if (blackhole != null) {
            blackhole.close();
        }
    }

    @Test
    void aConnectPastTheTimeoutFailsAsAConnectFailureAndLetsGoOfItsSlot() throws Exception {
        Throwable failure = failureOf(send(1));

        assertThat(failure).isInstanceOf(UpstreamConnectException.class).hasMessage("connect timeout 200ms");
        assertThat(((GatewayException) failure).status()).isEqualTo(504);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(client.openConnections(target))
                .as("the pending connect is closed, not left to the operating system").isZero());
    }

    @Test
    void aCallQueuedBehindATimedOutConnectMakesItsOwnAttemptAtOnce() throws Exception {
        CompletableFuture<GatewayResponse> first = send(1);
        CompletableFuture<GatewayResponse> queued = send(1); // the one slot is the first call's

        assertThat(failureOf(first)).hasMessage("connect timeout 200ms");
        Throwable second = failureOf(queued);
        assertThat(second).as("its own connect attempt timed out, not its wait for a slot")
                .isInstanceOf(UpstreamConnectException.class).hasMessage("connect timeout 200ms");
    }

    @Test
    void aCallCancelledWhileConnectingLetsGoOfItsConnect() throws Exception {
        CompletableFuture<GatewayResponse> hedge = send(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.openConnections(target) == 1);

        hedge.cancel(false); // a hedge that lost, say

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(client.openConnections(target))
                .as("nothing else would bound its connect").isZero());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private CompletableFuture<GatewayResponse> send(int maxConnections) {
        Exchange exchange = new Exchange("127.0.0.1", "http", System.nanoTime(), "test");
        UpstreamCall call = new UpstreamCall(target, "GET", "/", new Headers(1).add("Host", "bh"), Body.empty(),
                exchange, CONNECT, RESPONSE, new UpstreamCall.PoolSettings(maxConnections, TimeUnit.SECONDS.toNanos(30),
                TimeUnit.MINUTES.toNanos(5), TimeUnit.SECONDS.toNanos(30)));
        return client.send(call);
    }

    private static Throwable failureOf(CompletableFuture<GatewayResponse> call) throws Exception {
        try {
            GatewayResponse response = call.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + response.status());
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
