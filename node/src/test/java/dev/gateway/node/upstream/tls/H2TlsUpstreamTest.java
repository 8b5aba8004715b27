package dev.gateway.node.upstream.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.TestConfigs;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code protocol: h2} towards an upstream: HTTP/2 over TLS with {@code h2} chosen by ALPN, the target's TLS settings
 * (CA, host name) as for HTTP/1.1. A real grpc-java server over TLS behind the node, a grpc-java client in front
 * (h2c to the node); an HTTP/1.1-only TLS server, which chooses no ALPN protocol, is refused with a 502 that says
 * so, and a certificate for another name fails the handshake as on an HTTP/1.1 target.
 */
class H2TlsUpstreamTest {
    private static final Metadata.Key<String> ROUTE = Metadata.Key.of("x-route", Metadata.ASCII_STRING_MARSHALLER);
    /** The peers the grpc server saw: one connection carries every call (streams multiplexed). */
    private static final Set<String> PEERS = ConcurrentHashMap.newKeySet();

    private static Server grpc;
    private static TlsUpstream http1Only;
    private static TlsUpstream elsewhere;
    private static GatewayNode node;
    private static ManagedChannel channel;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        UpstreamPki pki = UpstreamPki.shared();
        UpstreamPki.Leaf localhost = pki.leaf("localhost");
        grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .useTransportSecurity(localhost.cert().toFile(), localhost.key().toFile())
                .addService(ServerInterceptors.intercept(new Echo(), new PeerWatch()))
                .build().start();
        http1Only = TlsUpstream.start(pki.serverContext("localhost"), false);
        elsewhere = TlsUpstream.start(pki.serverContext("elsewhere"), false);
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-h2tls
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  grpc: {protocol: h2, targets: ["https://localhost:%2$d"], tls: {ca: "%1$s"}}
                  http1-only: {protocol: h2, targets: ["https://localhost:%3$d"], tls: {ca: "%1$s"}}
                  wrong-name: {protocol: h2, targets: ["https://localhost:%4$d"], tls: {ca: "%1$s"}}
                routes:
                  - {id: grpc, match: {path: /**, headers: {x-route: grpc}}, upstream: grpc}
                  - {id: http1-only, match: {path: /http1-only/**}, upstream: http1-only}
                  - {id: wrong-name, match: {path: /wrong-name/**}, upstream: wrong-name}
                """.formatted(pki.caFile(), grpc.getPort(), http1Only.port(), elsewhere.port())));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", node.proxyPort()).usePlaintext().build();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (node != null) {
            node.close();
        }
        if (grpc != null) {
            grpc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : new AutoCloseable[] {http1Only, elsewhere}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void grpcCallsReachATlsUpstreamOverH2OnOneConnection() {
        Metadata headers = new Metadata();
        headers.put(ROUTE, "grpc");
        SimpleServiceGrpc.SimpleServiceBlockingStub stub = SimpleServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            SimpleResponse r = stub.unaryRpc(SimpleRequest.newBuilder().setRequestMessage("hello " + i).build());
            assertThat(r.getResponseMessage()).isEqualTo("echo: hello " + i);
        }
        assertThat(PEERS).hasSize(1);
    }

    @Test
    void anUpstreamThatDoesNotChooseH2ByAlpnIsA502ThatSaysSo() throws Exception {
        HttpResponse<String> r = get("/http1-only/x");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("did not choose h2 by ALPN");
        assertThat(http1Only.seen()).isEmpty();
    }

    @Test
    void aCertificateForAnotherNameFailsTheHandshake() throws Exception {
        HttpResponse<String> r = get("/wrong-name/x");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("upstream TLS handshake failed");
        assertThat(elsewhere.seen()).isEmpty();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.proxyPort() + path))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final class Echo extends SimpleServiceGrpc.SimpleServiceImplBase {
        @Override
        public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> out) {
            out.onNext(SimpleResponse.newBuilder().setResponseMessage("echo: " + request.getRequestMessage()).build());
            out.onCompleted();
        }
    }

    private static final class PeerWatch implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            PEERS.add(String.valueOf(call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
            return next.startCall(call, headers);
        }
    }
}
