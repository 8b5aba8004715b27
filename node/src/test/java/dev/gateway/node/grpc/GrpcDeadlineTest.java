package dev.gateway.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.TestConfigs;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deadlines and cancellation between a grpc-java client and a grpc-java server behind an {@code h2c} upstream: the
 * {@code grpc-timeout} the upstream sees is what is left of the exchange's deadline, a deadline already spent is
 * answered without calling the upstream, and a call the client cancels while the upstream has not answered yet is
 * cancelled at the upstream too.
 */
class GrpcDeadlineTest {
    private static final Metadata.Key<String> ROUTE = Metadata.Key.of("x-route", Metadata.ASCII_STRING_MARSHALLER);

    private static ScheduledExecutorService delays;
    private static Server upstream;
    private static GatewayNode node;
    private static ManagedChannel channel;
    private static final AtomicInteger calls = new AtomicInteger();
    private static final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<String>> cancelled =
            new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        delays = Executors.newSingleThreadScheduledExecutor();
        upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new Service()).build().start();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-grpc-deadline
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  http2: {enabled: true}
                """ + TestConfigs.OBSERVABILITY + """
                upstreams:
                  grpc: {protocol: h2c, targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: open, match: {path: /**, headers: {x-route: open}}, upstream: grpc}
                  - {id: two-seconds, match: {path: /**, headers: {x-route: two-seconds}}, upstream: grpc, timeout: 2s}
                """.formatted(upstream.getPort())));
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

    private static SimpleServiceGrpc.SimpleServiceBlockingStub blocking(String route) {
        Metadata m = new Metadata();
        m.put(ROUTE, route);
        return SimpleServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    private static SimpleRequest request(String text) {
        return SimpleRequest.newBuilder().setRequestMessage(text).build();
    }

    @Test
    void theUpstreamSeesTheDeadlineThatIsLeft() {
        String seen = blocking("two-seconds").withDeadlineAfter(20, TimeUnit.SECONDS)
                .unaryRpc(request("deadline")).getResponseMessage();

        System.out.println("client grpc-timeout 20 s, route timeout 2 s: the upstream's deadline is " + seen + " ms away");
        assertThat(Long.parseLong(seen)).as("the route's 2 s, less the time spent in the gateway")
                .isBetween(0L, 2000L);
    }

    /**
     * grpc-java's client does not send a call whose deadline is spent, so the node's own HTTP/2 upstream client is the
     * client here: it sends {@code grpc-timeout: 1n}, which is spent before the gateway could forward the call.
     */
    @Test
    void aSpentDeadlineIsAnsweredWithoutCallingTheUpstream() throws Exception {
        org.glassfish.grizzly.nio.transport.TCPNIOTransport transport =
                org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder.newInstance().build();
        transport.start();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (var client = new dev.gateway.node.upstream.grizzly.GrizzlyUpstreamClient(transport, 65536, timer)) {
            var target = new dev.gateway.node.upstream.UpstreamTarget("gw", "127.0.0.1", node.proxyPort(), false, "",
                    "127.0.0.1", 1, "gw", null, dev.gateway.config.UpstreamProtocol.H2C);
            blocking("open").withDeadlineAfter(20, TimeUnit.SECONDS).unaryRpc(request("warm")); // the upstream connection is open
            int before = calls.get();
            for (int i = 0; i < 5; i++) {
                byte[] message = request("count").toByteArray();
                java.nio.ByteBuffer framed = java.nio.ByteBuffer.allocate(5 + message.length);
                framed.put((byte) 0).putInt(message.length).put(message).flip();
                var headers = new dev.gateway.node.http.Headers(6).add("Host", "127.0.0.1")
                        .add("content-type", "application/grpc").add("te", "trailers")
                        .add("grpc-timeout", "1n").add("x-route", "open");
                var response = client.send(new dev.gateway.node.upstream.UpstreamCall(target, "POST",
                        "/grpc.testing.SimpleService/UnaryRpc", headers, dev.gateway.node.http.Body.of(framed.array()),
                        new dev.gateway.node.http.Exchange("127.0.0.1", "http", System.nanoTime(), "t" + i),
                        TimeUnit.SECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(10),
                        new dev.gateway.node.upstream.UpstreamCall.PoolSettings(4, TimeUnit.SECONDS.toNanos(30))))
                        .get(10, TimeUnit.SECONDS);
                response.body().discard();

                assertThat(response.status()).isEqualTo(200);
                assertThat(response.headers().get("grpc-status"))
                        .isEqualTo(String.valueOf(Status.Code.DEADLINE_EXCEEDED.value()));
            }
            assertThat(calls.get()).as("calls that reached the upstream").isEqualTo(before);
        } finally {
            transport.shutdownNow();
            timer.shutdownNow();
        }
    }

    @Test
    void aCallTheClientCancelsBeforeTheUpstreamAnswersIsCancelledAtTheUpstream() throws Exception {
        CompletableFuture<String> seen = new CompletableFuture<>();
        cancelled.put("cancel-me", seen);
        Context.CancellableContext context = Context.current().withCancellation();
        CompletableFuture<Throwable> clientSide = new CompletableFuture<>();
        Metadata m = new Metadata();
        m.put(ROUTE, "open");
        SimpleServiceGrpc.SimpleServiceStub stub = SimpleServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m)); // no deadline: only the cancel ends it
        context.run(() -> stub.unaryRpc(request("cancel-me"), new StreamObserver<>() {
            @Override
            public void onNext(SimpleResponse value) {
            }

            @Override
            public void onError(Throwable t) {
                clientSide.complete(t);
            }

            @Override
            public void onCompleted() {
                clientSide.complete(null);
            }
        }));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> cancelled.containsKey("cancel-me:started"));
        context.cancel(null); // RST_STREAM CANCEL from the client, while the gateway waits for the upstream's head

        assertThat(Status.fromThrowable(clientSide.get(10, TimeUnit.SECONDS)).getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(seen.get(10, TimeUnit.SECONDS)).as("the upstream's call was cancelled, not answered")
                .isEqualTo("cancelled");
    }

    /** Answers with the milliseconds left of its deadline; "count" is counted; "cancel-me" waits for a cancel. */
    private static final class Service extends SimpleServiceGrpc.SimpleServiceImplBase {
        @Override
        public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> out) {
            String text = request.getRequestMessage();
            calls.incrementAndGet();
            if (text.equals("cancel-me")) {
                CompletableFuture<String> seen = cancelled.get(text);
                Context.current().addListener(c -> seen.complete("cancelled"), Runnable::run);
                cancelled.put(text + ":started", seen);
                delays.schedule(() -> {
                    seen.complete("answered");
                    out.onNext(SimpleResponse.newBuilder().setResponseMessage("late").build());
                    out.onCompleted();
                }, 30, TimeUnit.SECONDS);
                return;
            }
            io.grpc.Deadline deadline = Context.current().getDeadline();
            String left = deadline == null ? "-1" : String.valueOf(deadline.timeRemaining(TimeUnit.MILLISECONDS));
            out.onNext(SimpleResponse.newBuilder().setResponseMessage(left).build());
            out.onCompleted();
        }
    }
}
