package dev.gateway.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.UpstreamProtocol;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.support.TestConfigs;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamTarget;
import dev.gateway.node.upstream.grizzly.GrizzlyUpstreamClient;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http2.Http2AddOn;
import org.glassfish.grizzly.http2.Http2Configuration;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client's request trailers reach an h2c upstream through the node (h2c in, h2c out): the other direction of
 * trailers than gRPC's {@code grpc-status}. grpc-java sends none, so both ends here are Grizzly's: the node's own
 * HTTP/2 upstream client as the client, and a Grizzly HTTP/2 server that answers with the trailers it read.
 */
class RequestTrailersTest {
    private static HttpServer upstream;
    private static GatewayNode node;
    private static TCPNIOTransport transport;
    private static ScheduledExecutorService timer;

    @BeforeAll
    static void start() throws Exception {
        upstream = new HttpServer();
        NetworkListener listener = new NetworkListener("h2c", "127.0.0.1", 0);
        listener.registerAddOn(new Http2AddOn(Http2Configuration.builder().build()));
        upstream.addListener(listener);
        upstream.getServerConfiguration().addHttpHandler(new HttpHandler() {
            @Override
            public void service(Request request, Response response) throws Exception {
                byte[] body;
                try (InputStream in = request.getInputStream()) {
                    body = in.readAllBytes();
                }
                if (request.getRequestURI().equals("/with-trailers")) {
                    response.setTrailers(() -> java.util.Map.of("grpc-status", "0", "x-sum", "7"));
                    response.getOutputStream().write("answer".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                response.setHeader("x-body", new String(body, StandardCharsets.UTF_8));
                var seen = request.getTrailers();
                response.setHeader("x-trailers", seen == null ? "none" : new TreeMap<>(seen).toString());
                response.setContentLength(0);
            }
        });
        upstream.start();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-trailers
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  h2: {protocol: h2c, targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: all, match: {path: /**}, upstream: h2}
                """.formatted(listener.getPort())));
        transport = TCPNIOTransportBuilder.newInstance().build();
        transport.start();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.shutdownNow();
        }
        if (transport != null) {
            transport.shutdownNow();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    @Test
    void theClientsTrailersReachTheUpstream() throws Exception {
        try (GrizzlyUpstreamClient client = new GrizzlyUpstreamClient(transport, 65536, timer)) {
            UpstreamTarget gateway = new UpstreamTarget("gw", "127.0.0.1", node.proxyPort(), false, "", "127.0.0.1", 1,
                    "gw", null, UpstreamProtocol.H2C);
            Headers trailers = new Headers(2).add("x-checksum", "42").add("x-note", "end");
            GatewayResponse response = client.send(new UpstreamCall(gateway, "POST", "/upload",
                    new Headers(2).add("Host", "127.0.0.1").add("content-type", "text/plain"),
                    new TrailingBody("abc", trailers), new Exchange("127.0.0.1", "http", System.nanoTime(), "t"),
                    TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(10),
                    new UpstreamCall.PoolSettings(4, TimeUnit.SECONDS.toNanos(30)))).get(10, TimeUnit.SECONDS);
            response.body().discard();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().get("x-body")).isEqualTo("abc");
            assertThat(response.headers().get("x-trailers")).isEqualTo("{x-checksum=42, x-note=end}");
        }
    }

    @Test
    void anHttp11ClientsChunkedTrailersReachTheUpstream() throws Exception {
        String answer = exchange("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: text/plain\r\nConnection: close\r\n\r\n"
                + "3\r\nabc\r\n0\r\nx-checksum: 42\r\nx-note: end\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer).containsIgnoringCase("x-body: abc").containsIgnoringCase("x-trailers: {x-checksum=42, x-note=end}");
    }

    @Test
    void anUpstreamsTrailersReachAnHttp11ClientThatAsksForThem() throws Exception {
        String asked = exchange("GET /with-trailers HTTP/1.1\r\nHost: 127.0.0.1\r\nTE: trailers\r\n"
                + "Connection: close\r\n\r\n");
        String notAsked = exchange("GET /with-trailers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(asked).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
        String tail = asked.substring(asked.indexOf("answer"));
        assertThat(tail).as("trailers after the last chunk").containsIgnoringCase("grpc-status: 0")
                .containsIgnoringCase("x-sum: 7");
        assertThat(notAsked).startsWith("HTTP/1.1 200").contains("answer").doesNotContainIgnoringCase("x-sum");
    }

    /** One request on its own HTTP/1.1 connection (it asks for the close): the whole answer as text. */
    private static String exchange(String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.proxyPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A body of unknown length followed by trailers. */
    private static final class TrailingBody implements Body {
        private final String text;
        private final Headers trailers;

        TrailingBody(String text, Headers trailers) {
            this.text = text;
            this.trailers = trailers;
        }

        @Override
        public long length() {
            return -1;
        }

        @Override
        public void subscribe(BodySink sink) {
            sink.onData(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), true);
        }

        @Override
        public void resume() {
        }

        @Override
        public void discard() {
        }

        @Override
        public Headers trailers() {
            return trailers;
        }

        @Override
        public boolean mayHaveTrailers() {
            return true;
        }
    }
}
