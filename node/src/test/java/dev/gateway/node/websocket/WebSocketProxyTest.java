package dev.gateway.node.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.EchoWebSocketServer;
import dev.gateway.node.support.PrometheusScrape;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WebSocket through a real node with the JDK's client, to a raw RFC 6455 echo server. */
class WebSocketProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static EchoWebSocketServer echo;
    private static GatewayNode node;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        echo = EchoWebSocketServer.start();
        node = GatewayNode.start(TestConfigs.withDefaults("""
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%1$d"]}
                  solo: {targets: ["http://127.0.0.1:%1$d"], pool: {max-connections: 1}}
                  gone:
                    targets: ["http://127.0.0.1:%2$d"]
                    circuit-breaker: {scope: node, failure-rate: 50%%, minimum-calls: 2, window: 10s, open-for: 30s}
                consumers:
                  alice: {api-keys: ["sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]}
                auth:
                  api-key: {header: X-API-Key}
                rate-limits:
                  one: {limit: 1, per: 1h, key: route}
                routes:
                  - {id: ws, match: {path: /ws/**}, upstream: echo, websocket: {}}
                  - {id: idle, match: {path: /idle/**}, upstream: echo, websocket: {idle-timeout: 300ms}}
                  - {id: secured, match: {path: /secured/**}, upstream: echo, auth: [api-key], websocket: {}}
                  - {id: limited, match: {path: /limited/**}, upstream: echo, rate-limits: [one], websocket: {}}
                  - {id: refuse, match: {path: /refuse/**}, upstream: echo, websocket: {}}
                  - {id: plain, match: {path: /plain/**}, upstream: echo}
                  - {id: broken, match: {path: /broken/**}, upstream: gone, websocket: {}}
                  - {id: solo, match: {path: /solo/**}, upstream: solo, websocket: {}}
                """.formatted(echo.port(), TestConfigs.closedPort())));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    static WebSocket open(HttpClient client, URI uri, RecordingListener listener, String... headers) throws Exception {
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
    }

    private WebSocket open(String path, RecordingListener listener, String... headers) throws Exception {
        return open(http, URI.create("ws://127.0.0.1:" + node.proxyPort() + path), listener, headers);
    }

    private int handshakeRefusal(String path, String... headers) {
        try {
            open(path, new RecordingListener(), headers).abort();
            return 101;
        } catch (Exception e) {
            Throwable cause = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
            assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) cause).getResponse().statusCode();
        }
    }

    @Test
    void textAndBinaryMessagesEchoThroughTheGateway() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/ws/chat", listener);

        ws.sendText("hello, gateway", true).join();
        byte[] binary = new byte[200_000];
        new java.util.Random(7).nextBytes(binary);
        ws.sendBinary(ByteBuffer.wrap(binary), true).join();

        await().atMost(WAIT).until(() -> listener.texts().size() == 1 && listener.binaries().size() == 1);
        assertThat(listener.texts()).containsExactly("hello, gateway");
        assertThat(listener.binaries().get(0)).isEqualTo(binary);
        String head = echo.handshakes().get(echo.handshakes().size() - 1);
        assertThat(EchoWebSocketServer.header(head, "upgrade")).isEqualTo("websocket");
        assertThat(EchoWebSocketServer.header(head, "connection")).isEqualTo("Upgrade");
        assertThat(EchoWebSocketServer.header(head, "x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(scrape().find("gateway_websocket_connections")).singleElement()
                .satisfies(s -> assertThat(s.value()).isGreaterThanOrEqualTo(1));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        await().atMost(WAIT).until(() -> listener.closeCode() == 1000);
    }

    @Test
    void aClientThatStopsReadingStopsTheUpstreamInsteadOfFillingTheGateway() throws Exception {
        RecordingListener listener = new RecordingListener().hold(true);
        WebSocket ws = open("/ws/slow-reader", listener);
        long echoedBefore = echo.bytesEchoed();
        int messages = 96;
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < messages; i++) {
                byte[] payload = new byte[1 << 20];
                java.util.Arrays.fill(payload, (byte) i); // each message its own byte: a mix-up would show
                payload[payload.length - 1] = (byte) ~i;
                ws.sendBinary(ByteBuffer.wrap(payload), true).join();
                sent.incrementAndGet();
            }
        }, "ws-sender");
        sender.setDaemon(true);
        sender.start();

        // the client reads nothing: the echo stalls once the buffers on the way are full, and with it the sender
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = echo.bytesEchoed();
            boolean still = now == last[0];
            last[0] = now;
            return still;
        });
        long stalledAt = echo.bytesEchoed() - echoedBefore;
        System.out.println("client not reading: echo stalled after " + (stalledAt >> 20) + " MiB of " + messages
                + " MiB, sender after " + sent.get() + " messages");
        assertThat(stalledAt).isLessThan((long) messages << 20);
        assertThat(sent.get()).isLessThan(messages);

        listener.hold(false);
        ws.request(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.binaries().size() == messages);
        assertThat(sent.get()).isEqualTo(messages);
        for (int i = 0; i < messages; i++) {
            byte[] got = listener.binaries().get(i);
            assertThat(got).as("message %d", i).hasSize(1 << 20);
            for (int k = 0; k < got.length - 1; k++) {
                if (got[k] != (byte) i) {
                    throw new AssertionError("message " + i + " byte " + k + " is " + got[k]);
                }
            }
            assertThat(got[got.length - 1]).isEqualTo((byte) ~i);
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void aTunnelsUpstreamConnectionLeavesThePool() throws Exception {
        RecordingListener first = new RecordingListener();
        RecordingListener second = new RecordingListener();
        WebSocket a = open("/solo/1", first);
        WebSocket b = open("/solo/2", second); // max-connections 1: only possible if the first freed its slot
        a.sendText("one", true).join();
        b.sendText("two", true).join();
        await().atMost(WAIT).until(() -> first.texts().contains("one") && second.texts().contains("two"));
        assertThat(scrape().find("gateway_upstream_connections", "upstream", "solo", "state", "open"))
                .singleElement().satisfies(s -> assertThat(s.value()).isZero());
        a.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        b.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void framesTheUpstreamSendsWithItsOwn101ReachTheClient() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/ws/greet", listener);
        await().atMost(WAIT).until(() -> listener.texts().contains("hello"));
        ws.sendText("and back", true).join();
        await().atMost(WAIT).until(() -> listener.texts().contains("and back"));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void aMessageOverMaxMessageIsRefusedWith1009() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/ws/big", listener);
        int closesBefore = echo.closesReceived().size();

        ws.sendBinary(ByteBuffer.allocate((1 << 20) + 1), true); // may fail: the gateway closes mid-frame

        await().atMost(WAIT).until(() -> listener.closeCode() == 1009);
        await().atMost(WAIT).until(() -> echo.closesReceived().size() > closesBefore);
        assertThat(echo.closesReceived().get(closesBefore)).isEqualTo(1009);
        assertThat(listener.binaries()).isEmpty();
    }

    @Test
    void aMessageOfExactlyMaxMessagePasses() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/ws/exact", listener);
        ws.sendBinary(ByteBuffer.allocate(1 << 20), true).join();
        await().atMost(WAIT).until(() -> listener.binaries().size() == 1);
        assertThat(listener.binaries().get(0)).hasSize(1 << 20);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void anIdleTunnelIsClosedWith1001OnBothSides() throws Exception {
        RecordingListener listener = new RecordingListener();
        int closesBefore = echo.closesReceived().size();
        long start = System.nanoTime();
        open("/idle/x", listener);

        await().atMost(WAIT).until(() -> listener.closeCode() == 1001);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("idle-timeout 300ms closed the tunnel after " + tookMillis + " ms");
        assertThat(tookMillis).isGreaterThanOrEqualTo(300);
        await().atMost(WAIT).until(() -> echo.closesReceived().size() > closesBefore);
        assertThat(echo.closesReceived().get(closesBefore)).isEqualTo(1001);
    }

    @Test
    void aCloseFromTheClientReachesTheUpstream() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/ws/client-close", listener);
        int closesBefore = echo.closesReceived().size();

        ws.sendClose(4001, "client leaves").join();

        await().atMost(WAIT).until(() -> echo.closesReceived().size() > closesBefore);
        assertThat(echo.closesReceived().get(closesBefore)).isEqualTo(4001);
        await().atMost(WAIT).until(() -> listener.closeCode() == 4001); // the upstream's reply came back
    }

    @Test
    void aCloseFromTheUpstreamReachesTheClient() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/ws/server-close", listener);

        ws.sendText("close-me:4002", true).join();

        await().atMost(WAIT).until(() -> listener.closeCode() == 4002);
    }

    @Test
    void anUpstreamThatDropsTheConnectionLeavesTheClientA1001() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/ws/drop", listener);

        ws.sendText("drop-me", true).join();

        await().atMost(WAIT).until(() -> listener.closeCode() == 1001);
    }

    @Test
    void authenticationAppliesToTheHandshake() throws Exception {
        int handshakesBefore = echo.handshakes().size();
        assertThat(handshakeRefusal("/secured/x")).isEqualTo(401);
        assertThat(handshakeRefusal("/secured/x", "X-API-Key", "wrong")).isEqualTo(401);
        assertThat(echo.handshakes()).hasSize(handshakesBefore);

        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/secured/x", listener, "X-API-Key", "test");
        ws.sendText("with a key", true).join();
        await().atMost(WAIT).until(() -> listener.texts().contains("with a key"));
        String head = echo.handshakes().get(echo.handshakes().size() - 1);
        assertThat(EchoWebSocketServer.header(head, "x-consumer-id")).isEqualTo("alice");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void rateLimitsApplyToTheHandshake() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/limited/x", listener);
        int handshakesBefore = echo.handshakes().size();

        assertThat(handshakeRefusal("/limited/x")).isEqualTo(429);
        assertThat(echo.handshakes()).hasSize(handshakesBefore);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void theBreakerAppliesToTheHandshake() {
        assertThat(handshakeRefusal("/broken/1")).isEqualTo(502);
        assertThat(handshakeRefusal("/broken/2")).isEqualTo(502);
        assertThat(handshakeRefusal("/broken/3")).as("open after two failed handshakes").isEqualTo(503);
    }

    @Test
    void anUpstreamRefusalIsPassedOnAsAnOrdinaryAnswer() {
        assertThat(handshakeRefusal("/refuse/x")).isEqualTo(403);
    }

    @Test
    void aRouteWithoutWebsocketRefusesUpgradesWith400AndServesOtherRequests() throws Exception {
        int handshakesBefore = echo.handshakes().size();
        assertThat(handshakeRefusal("/plain/x")).isEqualTo(400);
        assertThat(echo.handshakes()).hasSize(handshakesBefore);
    }

    @Test
    void closesAreCountedByCode() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket ws = open("/ws/counted", listener);
        ws.sendClose(4003, "").join();
        await().atMost(WAIT).until(() -> listener.closeCode() == 4003);

        await().atMost(WAIT).untilAsserted(() -> assertThat(scrape().find("gateway_websocket_closes_total", "code", "4003"))
                .singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(1)));
    }

    private static PrometheusScrape scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return PrometheusScrape.parse(response.body());
    }
}
