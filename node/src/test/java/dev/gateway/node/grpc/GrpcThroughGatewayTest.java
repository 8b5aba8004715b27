package dev.gateway.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.auth.ApiKeys;
import dev.gateway.node.support.TestConfigs;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real grpc-java client through the node (h2c by prior knowledge, {@code node.http2.enabled}) to a real grpc-java
 * server behind an {@code h2c} upstream: the four kinds of call, status and message passed through, and the
 * gateway's own refusals in gRPC's form. Routes are chosen by an {@code x-route} header the client adds.
 */
class GrpcThroughGatewayTest {
    private static final String KEY = "grpc-key-0123456789";
    private static final Metadata.Key<String> ROUTE = Metadata.Key.of("x-route", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> ECHO = Metadata.Key.of("x-echo", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TRAILER = Metadata.Key.of("x-trailer", Metadata.ASCII_STRING_MARSHALLER);

    private static ScheduledExecutorService delays;
    private static Server upstream;
    private static GatewayNode node;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        delays = Executors.newSingleThreadScheduledExecutor();
        upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(io.grpc.ServerInterceptors.intercept(new Service(), new TrailerEcho()))
                .build().start();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-grpc
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  grpc: {protocol: h2c, targets: ["http://127.0.0.1:%d"]}
                consumers:
                  alice: {api-keys: ["%s"]}
                auth:
                  api-key: {header: X-API-Key}
                rate-limits:
                  once: {limit: 1, per: 1h, key: route}
                routes:
                  - {id: open, match: {path: /**, headers: {x-route: open}}, upstream: grpc}
                  - {id: private, match: {path: /**, headers: {x-route: private}}, upstream: grpc, auth: [api-key]}
                  - {id: limited, match: {path: /**, headers: {x-route: limited}}, upstream: grpc, rate-limits: [once]}
                  - {id: quick, match: {path: /**, headers: {x-route: quick}}, upstream: grpc, timeout: 300ms}
                """.formatted(upstream.getPort(), ApiKeys.hash(KEY))));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", node.proxyPort()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (delays != null) {
            delays.shutdownNow();
        }
    }

    private static Metadata headers(String route) {
        Metadata m = new Metadata();
        m.put(ROUTE, route);
        return m;
    }

    private static SimpleServiceGrpc.SimpleServiceBlockingStub blocking(Metadata headers) {
        return SimpleServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static SimpleServiceGrpc.SimpleServiceStub async(String route) {
        return SimpleServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(route)))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static SimpleRequest request(String text) {
        return SimpleRequest.newBuilder().setRequestMessage(text).build();
    }

    @Test
    void unaryCallsPassWithHeadersAndTrailers() {
        Metadata sent = headers("open");
        sent.put(ECHO, "e-1");
        var responseHeaders = new java.util.concurrent.atomic.AtomicReference<Metadata>();
        var trailers = new java.util.concurrent.atomic.AtomicReference<Metadata>();
        SimpleResponse response = blocking(sent)
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, trailers))
                .unaryRpc(request("hello"));

        assertThat(response.getResponseMessage()).isEqualTo("unary:hello");
        assertThat(trailers.get().get(TRAILER)).as("a trailer of the upstream's own").isEqualTo("e-1");
        assertThat(responseHeaders.get().get(Metadata.Key.of("via", Metadata.ASCII_STRING_MARSHALLER)))
                .as("through the gateway").endsWith("gw-grpc");
    }

    @Test
    void anErrorStatusAndItsMessagePassThrough() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> blocking(headers("open")).unaryRpc(request("fail")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).isEqualTo("refused: ünïcödé 100%");
    }

    @Test
    void serverStreamingArrivesMessageByMessage() {
        List<String> got = new ArrayList<>();
        blocking(headers("open")).serverStreamingRpc(request("abc")).forEachRemaining(r -> got.add(r.getResponseMessage()));

        assertThat(got).containsExactly("a", "b", "c");
    }

    @Test
    void clientStreamingAndBidiStream() throws Exception {
        CompletableFuture<String> joined = new CompletableFuture<>();
        StreamObserver<SimpleRequest> up = async("open").clientStreamingRpc(new Collect(joined));
        for (String s : List.of("x", "y", "z")) {
            up.onNext(request(s));
        }
        up.onCompleted();
        assertThat(joined.get(20, TimeUnit.SECONDS)).isEqualTo("x+y+z");

        // bidi: each answer comes back before the next request is sent
        List<String> echoes = new ArrayList<>();
        java.util.concurrent.BlockingQueue<String> answers = new java.util.concurrent.LinkedBlockingQueue<>();
        CompletableFuture<String> done = new CompletableFuture<>();
        StreamObserver<SimpleRequest> bidi = async("open").bidiStreamingRpc(new StreamObserver<>() {
            @Override
            public void onNext(SimpleResponse value) {
                answers.add(value.getResponseMessage());
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete("ok");
            }
        });
        for (int i = 0; i < 5; i++) {
            bidi.onNext(request("m" + i));
            echoes.add(answers.poll(20, TimeUnit.SECONDS));
        }
        bidi.onCompleted();
        assertThat(done.get(20, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(echoes).containsExactly("echo:m0", "echo:m1", "echo:m2", "echo:m3", "echo:m4");
    }

    @Test
    void aMissingKeyIsUnauthenticated() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> blocking(headers("private")).unaryRpc(request("hello")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getStatus().getDescription()).contains("HTTP 401");

        Metadata withKey = headers("private");
        withKey.put(API_KEY, KEY);
        assertThat(blocking(withKey).unaryRpc(request("in")).getResponseMessage()).isEqualTo("unary:in");
    }

    @Test
    void aRateLimitedRouteIsResourceExhausted() {
        blocking(headers("limited")).unaryRpc(request("first"));
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> blocking(headers("limited")).unaryRpc(request("second")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void noRouteIsUnimplemented() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> blocking(headers("nowhere")).unaryRpc(request("hello")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(e.getStatus().getDescription()).as("the gateway's own answer, not grpc-java's mapping of a 404")
                .startsWith("no route for POST /grpc.testing.SimpleService/UnaryRpc");
    }

    @Test
    void theRoutesTimeoutIsDeadlineExceeded() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> blocking(headers("quick")).unaryRpc(request("slow")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(e.getStatus().getDescription()).contains("route timeout");
    }

    /**
     * grpc-java's client enforces its own deadline as well (and sooner), so the gateway's answer is shown with a
     * client that only sends {@code grpc-timeout}: the node's own HTTP/2 upstream client, pointed at the node.
     */
    @Test
    void aGrpcTimeoutShorterThanTheUpstreamsDelayIsDeadlineExceeded() throws Exception {
        org.glassfish.grizzly.nio.transport.TCPNIOTransport transport =
                org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder.newInstance().build();
        transport.start();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (var client = new dev.gateway.node.upstream.grizzly.GrizzlyUpstreamClient(transport, 65536, timer)) {
            var target = new dev.gateway.node.upstream.UpstreamTarget("gw", "127.0.0.1", node.proxyPort(), false, "",
                    "127.0.0.1", 1, "gw", null, dev.gateway.config.UpstreamProtocol.H2C);
            byte[] message = request("slow").toByteArray();
            java.nio.ByteBuffer framed = java.nio.ByteBuffer.allocate(5 + message.length);
            framed.put((byte) 0).putInt(message.length).put(message).flip();
            var headers = new dev.gateway.node.http.Headers(6).add("Host", "127.0.0.1")
                    .add("content-type", "application/grpc").add("te", "trailers")
                    .add("grpc-timeout", "300m").add("x-route", "open");
            var exchange = new dev.gateway.node.http.Exchange("127.0.0.1", "http", System.nanoTime(), "t");
            long start = System.nanoTime();
            var response = client.send(new dev.gateway.node.upstream.UpstreamCall(target, "POST",
                    "/grpc.testing.SimpleService/UnaryRpc", headers, dev.gateway.node.http.Body.of(framed.array()),
                    exchange, TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(10),
                    new dev.gateway.node.upstream.UpstreamCall.PoolSettings(4, TimeUnit.SECONDS.toNanos(30))))
                    .get(10, TimeUnit.SECONDS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            response.body().discard();

            System.out.println("grpc-timeout 300m answered after " + tookMs + " ms");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().get("grpc-status")).as("trailers-only: in the one header block")
                    .isEqualTo(String.valueOf(Status.Code.DEADLINE_EXCEEDED.value()));
            assertThat(response.headers().get("grpc-message")).isEqualTo("grpc-timeout 300m (HTTP 504)");
            assertThat(tookMs).as("well before the upstream's 3 s").isLessThan(2500);
        } finally {
            transport.shutdownNow();
            timer.shutdownNow();
        }
    }

    /**
     * Concurrent calls to an h2c upstream share one open connection (the node's upstream client multiplexes), which
     * closes once its target leaves the config.
     */
    @Test
    void concurrentCallsShareOneUpstreamConnection() throws Exception {
        org.glassfish.grizzly.nio.transport.TCPNIOTransport transport =
                org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder.newInstance().build();
        transport.start();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (var client = new dev.gateway.node.upstream.grizzly.GrizzlyUpstreamClient(transport, 65536, timer)) {
            var target = new dev.gateway.node.upstream.UpstreamTarget("up", "127.0.0.1", upstream.getPort(), false, "",
                    "127.0.0.1", 1, "up", null, dev.gateway.config.UpstreamProtocol.H2C);
            List<CompletableFuture<dev.gateway.node.http.GatewayResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 21; i++) {
                if (i == 1) {
                    calls.get(0).get(10, TimeUnit.SECONDS); // the connection is open: the other 20 go at once on it
                }
                byte[] message = request("m" + i).toByteArray();
                java.nio.ByteBuffer framed = java.nio.ByteBuffer.allocate(5 + message.length);
                framed.put((byte) 0).putInt(message.length).put(message).flip();
                var headers = new dev.gateway.node.http.Headers(4).add("Host", "127.0.0.1")
                        .add("content-type", "application/grpc").add("te", "trailers");
                calls.add(client.send(new dev.gateway.node.upstream.UpstreamCall(target, "POST",
                        "/grpc.testing.SimpleService/UnaryRpc", headers, dev.gateway.node.http.Body.of(framed.array()),
                        new dev.gateway.node.http.Exchange("127.0.0.1", "http", System.nanoTime(), "t" + i),
                        TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(10),
                        new dev.gateway.node.upstream.UpstreamCall.PoolSettings(64, TimeUnit.SECONDS.toNanos(30)))));
            }
            for (var call : calls) {
                var response = call.get(10, TimeUnit.SECONDS);
                CompletableFuture<String> status = new CompletableFuture<>();
                response.body().subscribe(new dev.gateway.node.http.BodySink() {
                    @Override
                    public boolean onData(java.nio.ByteBuffer chunk, boolean last) {
                        if (last) {
                            status.complete(response.body().trailers().get("grpc-status"));
                        }
                        return true;
                    }

                    @Override
                    public void onError(Throwable error) {
                        status.completeExceptionally(error);
                    }
                });
                assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo("0");
            }
            assertThat(client.openConnections(target)).isEqualTo(1);

            client.retainTargets(java.util.Set.of()); // the target left the config: its idle connection closes
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> !client.pooledTargets().contains(target) && client.openConnections(target) == 0);
        } finally {
            transport.shutdownNow();
            timer.shutdownNow();
        }
    }

    /** An h2c connection that carried no stream for the pool's {@code idle-timeout} closes, shown idle until then. */
    @Test
    void anIdleUpstreamConnectionClosesAfterTheIdleTimeout() throws Exception {
        org.glassfish.grizzly.nio.transport.TCPNIOTransport transport =
                org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder.newInstance().build();
        transport.start();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (var client = new dev.gateway.node.upstream.grizzly.GrizzlyUpstreamClient(transport, 65536, timer)) {
            var target = new dev.gateway.node.upstream.UpstreamTarget("up", "127.0.0.1", upstream.getPort(), false, "",
                    "127.0.0.1", 1, "up", null, dev.gateway.config.UpstreamProtocol.H2C);
            byte[] message = request("idle").toByteArray();
            java.nio.ByteBuffer framed = java.nio.ByteBuffer.allocate(5 + message.length);
            framed.put((byte) 0).putInt(message.length).put(message).flip();
            var headers = new dev.gateway.node.http.Headers(4).add("Host", "127.0.0.1")
                    .add("content-type", "application/grpc").add("te", "trailers");
            var response = client.send(new dev.gateway.node.upstream.UpstreamCall(target, "POST",
                    "/grpc.testing.SimpleService/UnaryRpc", headers, dev.gateway.node.http.Body.of(framed.array()),
                    new dev.gateway.node.http.Exchange("127.0.0.1", "http", System.nanoTime(), "idle"),
                    TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(10),
                    new dev.gateway.node.upstream.UpstreamCall.PoolSettings(4, TimeUnit.SECONDS.toNanos(2))))
                    .get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> read = new CompletableFuture<>();
            response.body().subscribe(new dev.gateway.node.http.BodySink() {
                @Override
                public boolean onData(java.nio.ByteBuffer chunk, boolean last) {
                    if (last) {
                        read.complete(null);
                    }
                    return true;
                }

                @Override
                public void onError(Throwable error) {
                    read.completeExceptionally(error);
                }
            });
            read.get(10, TimeUnit.SECONDS);
            long idleFrom = System.nanoTime();
            assertThat(client.openConnections(target)).isEqualTo(1);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(2))
                    .until(() -> client.idleConnections(target) == 1);

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> client.openConnections(target) == 0);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleFrom);
            System.out.println("idle h2c connection closed after " + ms + " ms (idle-timeout 2 s)");
            assertThat(ms).as("not before the idle timeout").isGreaterThanOrEqualTo(1900);
        } finally {
            transport.shutdownNow();
            timer.shutdownNow();
        }
    }

    /** The upstream: echoes, fails on "fail", answers "slow" after 3 s. */
    private static final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {
        @Override
        public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> out) {
            String text = request.getRequestMessage();
            if (text.equals("fail")) {
                out.onError(Status.INVALID_ARGUMENT.withDescription("refused: ünïcödé 100%").asRuntimeException());
                return;
            }
            Runnable answer = () -> {
                out.onNext(SimpleResponse.newBuilder().setResponseMessage("unary:" + text).build());
                out.onCompleted();
            };
            if (text.equals("slow")) {
                delays.schedule(answer, 3, TimeUnit.SECONDS);
            } else {
                answer.run();
            }
        }

        @Override
        public void serverStreamingRpc(SimpleRequest request, StreamObserver<SimpleResponse> out) {
            for (char c : request.getRequestMessage().toCharArray()) {
                out.onNext(SimpleResponse.newBuilder().setResponseMessage(String.valueOf(c)).build());
            }
            out.onCompleted();
        }

        @Override
        public StreamObserver<SimpleRequest> clientStreamingRpc(StreamObserver<SimpleResponse> out) {
            List<String> parts = new ArrayList<>();
            return new StreamObserver<>() {
                @Override
                public void onNext(SimpleRequest value) {
                    parts.add(value.getRequestMessage());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onNext(SimpleResponse.newBuilder().setResponseMessage(String.join("+", parts)).build());
                    out.onCompleted();
                }
            };
        }

        @Override
        public StreamObserver<SimpleRequest> bidiStreamingRpc(StreamObserver<SimpleResponse> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(SimpleRequest value) {
                    out.onNext(SimpleResponse.newBuilder().setResponseMessage("echo:" + value.getRequestMessage()).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    /** Sends the request's {@code x-echo} back as the trailer {@code x-trailer}. */
    private static final class TrailerEcho implements io.grpc.ServerInterceptor {
        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
                                                                 io.grpc.ServerCallHandler<Q, R> next) {
            String echo = headers.get(ECHO);
            return next.startCall(new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    if (echo != null) {
                        trailers.put(TRAILER, echo);
                    }
                    super.close(status, trailers);
                }
            }, headers);
        }
    }

    private static final class Collect implements StreamObserver<SimpleResponse> {
        private final CompletableFuture<String> result;

        Collect(CompletableFuture<String> result) {
            this.result = result;
        }

        @Override
        public void onNext(SimpleResponse value) {
            result.complete(value.getResponseMessage());
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
        }
    }
}
