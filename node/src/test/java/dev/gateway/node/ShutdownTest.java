package dev.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.RawHttp;
import dev.gateway.node.support.SimpleHttp;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown ({@code node.limits.drain-timeout}): readiness drops at once, what is in
 * flight finishes, and {@code close()} is bounded.
 */
class ShutdownTest {
    private static final long DRAIN_MS = 2_000;
    private static final SimpleHttp HTTP = new SimpleHttp();

    private DemoUpstream slow;
    private GatewayNode node;

    @BeforeEach
    void start() throws Exception {
        slow = DemoUpstream.start("127.0.0.1", 0, "slow");
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-shutdown
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {drain-timeout: %dms}
                """.formatted(DRAIN_MS) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  slow: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: slow, match: {path: /**}, upstream: slow}
                """.formatted(slow.port())));
    }

    @AfterEach
    void stop() {
        node.close(); // a second close must be harmless
        slow.close();
    }

    @Test
    void afterBeginDrainAnswersStillComeButCloseTheirConnection() throws Exception {
        try (dev.gateway.node.support.RawHttp raw = dev.gateway.node.support.RawHttp.connect(node.proxyPort())) {
            raw.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
            dev.gateway.node.support.RawHttp.Response first = raw.readResponse();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("Connection")).isNull();

            node.beginDrain();
            assertThat(HTTP.get(node.adminPort(), "/health/ready").statusCode()).isEqualTo(503);
            raw.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
            dev.gateway.node.support.RawHttp.Response second = raw.readResponse();
            assertThat(second.status()).as("still served while balancers take the node out").isEqualTo(200);
            assertThat(second.header("Connection")).isEqualToIgnoringCase("close");
        }
    }

    @Test
    void closeDrainsTheRequestInFlightWhileReadinessSays503() throws Exception {
        int admin = node.adminPort();
        assertThat(HTTP.get(admin, "/health/ready").statusCode()).isEqualTo(200);
        long sentAt = System.nanoTime();
        CompletableFuture<HttpResponse<String>> inFlight = HTTP.getAsync(node.proxyPort(), "/slow?delay=1s");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> inFlightAt(admin) == 1);

        AtomicLong closeStarted = new AtomicLong();
        CompletableFuture<Long> closing = CompletableFuture.supplyAsync(() -> {
            closeStarted.set(System.nanoTime());
            node.close();
            return System.nanoTime();
        });

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                .until(() -> HTTP.get(admin, "/health/ready").statusCode() == 503);
        long notReadyAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStarted.get());
        assertThat(notReadyAfterMs).as("readiness drops as soon as close() starts").isLessThan(500);
        assertThat(inFlight).as("still in flight when readiness dropped").isNotDone();
        HttpResponse<String> ready = HTTP.get(admin, "/health/ready");
        JsonNode body = JsonErrors.parse(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("not ready");
        assertThat(body.get("reason").asText()).contains("shutting down");
        assertThat(HTTP.get(admin, "/health/live").statusCode()).as("still live while draining").isEqualTo(200);
        assertThatThrownBy(() -> RawHttp.connect(node.proxyPort()).close())
                .as("the proxy listener stops accepting at once").isInstanceOf(ConnectException.class);

        HttpResponse<String> response = inFlight.get(DRAIN_MS + 2_000, TimeUnit.MILLISECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonErrors.parse(response.body()).get("service").asText()).isEqualTo("slow");

        long closedAt = closing.get(DRAIN_MS + 2_000, TimeUnit.MILLISECONDS);
        long closeMs = TimeUnit.NANOSECONDS.toMillis(closedAt - closeStarted.get());
        assertThat(closeMs).as("close() bounded by drain-timeout + 2 s").isLessThan(DRAIN_MS + 2_000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(closedAt - sentAt)).as("close() waited for the 1 s request in flight")
                .isGreaterThanOrEqualTo(1_000);
    }

    /** A request that outlasts the drain is cut off: close() still returns within drain-timeout + 2 s. */
    @Test
    void closeIsBoundedWhenARequestOutlastsTheDrainTimeout() throws Exception {
        int admin = node.adminPort();
        CompletableFuture<HttpResponse<String>> inFlight = HTTP.getAsync(node.proxyPort(), "/slower?delay=20s");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> inFlightAt(admin) == 1);

        long start = System.nanoTime();
        node.close();
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(closeMs).as("close() waited for the drain, then gave up").isBetween(DRAIN_MS - 100, DRAIN_MS + 2_000);
        // Cut off either way: the upstream pool closes first, so the gateway may still get a 502 out
        // before the client connection closes; or the client connection closes first.
        try {
            HttpResponse<String> cut = inFlight.get(5, TimeUnit.SECONDS);
            JsonErrors.assertErrorBody(502, cut);
        } catch (ExecutionException e) {
            assertThat(e).hasCauseInstanceOf(IOException.class);
        }
    }

    private static int inFlightAt(int adminPort) {
        JsonNode view = JsonErrors.parse(HTTP.get(adminPort, "/admin/upstreams").body());
        return view.get("upstreams").get("slow").get("targets").get(0).get("in_flight").asInt();
    }
}
