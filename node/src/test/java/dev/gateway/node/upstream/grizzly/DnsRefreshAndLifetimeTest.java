package dev.gateway.node.upstream.grizzly;

import static dev.gateway.node.support.ScriptedUpstream.Step.pause;
import static dev.gateway.node.support.ScriptedUpstream.Step.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.support.ScriptedUpstream;
import dev.gateway.node.upstream.FakeDns;
import dev.gateway.node.upstream.ResolvedHosts;
import dev.gateway.node.upstream.UpstreamCall;
import dev.gateway.node.upstream.UpstreamClientEvents;
import dev.gateway.node.upstream.UpstreamTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Host names are resolved by a {@link ResolvedHosts} on its own thread, cached for {@code dns-refresh}; pooled
 * connections older than {@code pool.max-lifetime} are closed when they come back, so that an address change is
 * followed under steady load; a name never resolved is a 502; pools of targets that left the config close.
 */
class DnsRefreshAndLifetimeTest {
    private static final String HOST = "upstream.test";
    private static final long REFRESH = TimeUnit.SECONDS.toNanos(30);
    private static final long LIFETIME = TimeUnit.MILLISECONDS.toNanos(300);

    private final FakeDns dns = new FakeDns();
    private final AtomicLong dnsClock = new AtomicLong();
    private ScriptedUpstream a;
    private ScriptedUpstream b;
    private TCPNIOTransport transport;
    private ScheduledExecutorService timer;
    private GrizzlyUpstreamClient client;
    private long lifetime = LIFETIME;

    @BeforeEach
    void start() throws Exception {
        for (int attempt = 0; b == null; attempt++) {
            a = ScriptedUpstream.start(InetAddress.getByName("127.0.0.2"), 0);
            try {
                b = ScriptedUpstream.start(InetAddress.getByName("127.0.0.3"), a.port());
            } catch (BindException e) {
                a.close(); // that port is taken on 127.0.0.3: another pair
                if (attempt == 5) {
                    throw e;
                }
            }
        }
        a.answer("/who", write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"))
                .answer("/slow", pause(300), write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"));
        b.answer("/who", write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb"));
        transport = TCPNIOTransportBuilder.newInstance().build();
        transport.start();
        timer = Executors.newSingleThreadScheduledExecutor();
        ResolvedHosts hosts = new ResolvedHosts(dns, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "test-dns");
            t.setDaemon(true);
            return t;
        }), dnsClock::get);
        client = new GrizzlyUpstreamClient(transport, 65536, timer, UpstreamClientEvents.NONE, hosts);
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
        for (ScriptedUpstream u : new ScriptedUpstream[] {a, b}) {
            if (u != null) {
                u.close();
            }
        }
    }

    @Test
    void newConnectionsFollowAnAddressChangeAfterTheRefreshAndOldOnesRetireByMaxLifetime() throws Exception {
        dns.set(HOST, "127.0.0.2");
        assertThat(get(HOST, "/who")).isEqualTo("a");

        dns.set(HOST, "127.0.0.3");
        assertThat(get(HOST, "/who")).as("within dns-refresh the cached address is used").isEqualTo("a");

        dnsClock.addAndGet(REFRESH);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> get(HOST, "/who").equals("b"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(a.connectionsClosedByPeer())
                .as("every connection to the old address was closed by the gateway")
                .isEqualTo(a.connectionsAccepted()));
        assertThat(a.connectionsAccepted()).as("more than one: connections were renewed by max-lifetime")
                .isGreaterThan(1);
        assertThat(dns.callingThreads()).as("resolved on the resolver's thread only").isNotEmpty()
                .allMatch(name -> name.equals("test-dns"));
    }

    @Test
    void aFailedRefreshKeepsTheLastGoodAddresses() throws Exception {
        dns.set(HOST, "127.0.0.2");
        assertThat(get(HOST, "/who")).isEqualTo("a");
        dns.forget(HOST);
        dnsClock.addAndGet(REFRESH);
        lifetime = 1; // every connection is closed when it comes back: each request connects, so looks the name up

        for (int i = 0; i < 5; i++) {
            assertThat(get(HOST, "/who")).isEqualTo("a");
        }
        assertThat(a.connectionsAccepted()).isEqualTo(6);
        assertThat(dns.callingThreads()).as("the first resolution and a failed refresh").hasSize(2);
    }

    @Test
    void aNameNeverResolvedIs502() {
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> get("nowhere.test", "/who"));
        assertThat(failure.getCause()).isInstanceOf(GatewayException.class)
                .hasMessage("upstream host nowhere.test cannot be resolved");
        assertThat(((GatewayException) failure.getCause()).status()).isEqualTo(502);
    }

    /** The connect timeout covers resolving the name: a DNS server that does not answer is a 504 naming it. */
    @Test
    void aResolutionSlowerThanTheConnectTimeoutIsAConnectTimeout() {
        dns.block("slow.test");
        try {
            long start = System.nanoTime();
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> get("slow.test", "/who"));
            assertThat(failure.getCause()).isInstanceOf(GatewayException.class).hasMessage("connect timeout 1s");
            assertThat(((GatewayException) failure.getCause()).status()).isEqualTo(504);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(900L, 1900L);
        } finally {
            dns.unblock("slow.test");
        }
    }

    @Test
    void thePoolOfATargetThatLeftTheConfigIsClosedOnceIdle() throws Exception {
        dns.set(HOST, "127.0.0.2");
        UpstreamTarget gone = target(HOST);
        UpstreamTarget other = target("other.test");
        lifetime = TimeUnit.MINUTES.toNanos(5);
        CompletableFuture<String> busy = send(gone, "/slow");
        assertThat(get(HOST, "/who")).as("on a second connection, idle afterwards").isEqualTo("a");
        // the slow request's connection may still be on its way in when /who (on the other) has been answered
        await().atMost(Duration.ofSeconds(5)).until(() -> a.connectionsAccepted() == 2);

        client.retainTargets(Set.of(other));

        await().atMost(Duration.ofSeconds(2)).until(() -> a.connectionsClosedByPeer() == 1); // the idle one
        assertThat(busy.get(5, TimeUnit.SECONDS)).as("the busy one finishes its exchange").isEqualTo("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.connectionsClosedByPeer() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> !client.pooledTargets().contains(gone));
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A target on the upstreams' common port. */
    private UpstreamTarget target(String host) {
        return new UpstreamTarget("up", host, a.port(), false, "", host, 1, host);
    }

    private String get(String host, String path) throws Exception {
        return send(target(host), path).get(5, TimeUnit.SECONDS);
    }

    private CompletableFuture<String> send(UpstreamTarget target, String path) {
        long now = System.nanoTime();
        Exchange exchange = new Exchange("127.0.0.1", "http", now, "test");
        UpstreamCall call = new UpstreamCall(target, "GET", path, new Headers(1).add("Host", target.host()),
                Body.empty(), exchange, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(2),
                new UpstreamCall.PoolSettings(4, TimeUnit.SECONDS.toNanos(30), lifetime, REFRESH));
        return client.send(call).thenCompose(DnsRefreshAndLifetimeTest::text);
    }

    private static CompletableFuture<String> text(GatewayResponse response) {
        CompletableFuture<String> out = new CompletableFuture<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        response.body().subscribe(new BodySink() {
            @Override
            public boolean onData(ByteBuffer chunk, boolean last) {
                byte[] b = new byte[chunk.remaining()];
                chunk.get(b);
                bytes.writeBytes(b);
                if (last) {
                    out.complete(bytes.toString(StandardCharsets.UTF_8));
                }
                return true;
            }

            @Override
            public void onError(Throwable error) {
                out.completeExceptionally(error);
            }
        });
        return out;
    }
}
