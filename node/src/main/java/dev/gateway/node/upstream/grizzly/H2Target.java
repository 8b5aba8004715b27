package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.upstream.ResolvedHosts;
import dev.gateway.node.upstream.UpstreamCall;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.GrizzlyFuture;
import org.glassfish.grizzly.http2.Http2Session;
import org.glassfish.grizzly.nio.transport.TCPNIOConnectorHandler;

/**
 * The HTTP/2 connections (h2c by prior knowledge, or h2: TLS with {@code h2} chosen by ALPN) to one target: every
 * exchange is a stream, multiplexed over at
 * most {@link #MAX_CONNECTIONS} connections (fewer when {@code pool.max-connections} is lower). A new connection is
 * opened only when each open one carries {@link #STREAMS_PER_CONNECTION} streams or more; one connect at a time.
 * A connection without streams for longer than the pool's {@code idle-timeout} is closed ({@link #evictIdle}).
 * Thread-safe.
 */
final class H2Target {
    static final int MAX_CONNECTIONS = 4;
    static final int STREAMS_PER_CONNECTION = 100;

    private final String host;
    private final int port;
    private final TCPNIOConnectorHandler connector;
    private final ResolvedHosts dns;
    private final List<Live> live = new ArrayList<>();
    private CompletableFuture<Live> opening;
    private volatile boolean closed;
    /** The upstream pool's {@code idle-timeout}, as the last call gave it. */
    private volatile long idleTimeoutNanos = Long.MAX_VALUE;

    /** One open connection and its streams in flight. */
    static final class Live {
        final Connection<?> connection;
        final AtomicInteger streams = new AtomicInteger();
        /** The exchanges with a stream on this connection: failed if it closes under them. */
        final java.util.Set<H2Exchange> exchanges = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** When its last stream ended (or it opened): an idle connection closes after the pool's idle timeout. */
        volatile long idleSinceNanos = System.nanoTime();

        Live(Connection<?> connection) {
            this.connection = connection;
        }
    }

    private final org.glassfish.grizzly.attributes.Attribute<Live> lives;

    private final boolean tls;
    private final org.glassfish.grizzly.attributes.Attribute<Throwable> handshakeFailures;

    /**
     * @param lives             where each connection's {@link Live} is kept, for {@link H2ResetWatch}
     * @param tls               whether the connector's chain handshakes TLS: a connection is then used only if the
     *                          upstream chose {@code h2} by ALPN
     * @param handshakeFailures where the chain keeps why a connection's handshake failed
     */
    H2Target(String host, int port, TCPNIOConnectorHandler connector, ResolvedHosts dns,
             org.glassfish.grizzly.attributes.Attribute<Live> lives, boolean tls,
             org.glassfish.grizzly.attributes.Attribute<Throwable> handshakeFailures) {
        this.lives = lives;
        this.tls = tls;
        this.handshakeFailures = handshakeFailures;
        this.host = host;
        this.port = port;
        this.connector = connector;
        this.dns = dns;
    }

    /**
     * A connection for one more stream, counted in its {@link Live#streams} (the caller gives it back with
     * {@link #release}). Fails as the connect fails; the caller's timers bound the wait.
     */
    CompletableFuture<Live> acquire(UpstreamCall call) {
        int max = Math.max(1, Math.min(MAX_CONNECTIONS, call.pool().maxConnections()));
        idleTimeoutNanos = call.pool().idleTimeoutNanos();
        CompletableFuture<Live> wait;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new java.io.IOException("upstream client closed"));
            }
            live.removeIf(l -> !l.connection.isOpen());
            Live best = null;
            for (Live l : live) {
                if (best == null || l.streams.get() < best.streams.get()) {
                    best = l;
                }
            }
            if (best != null && (best.streams.get() < STREAMS_PER_CONNECTION || live.size() >= max)) {
                best.streams.incrementAndGet();
                return CompletableFuture.completedFuture(best);
            }
            if (opening == null) {
                opening = open(call.pool().dnsRefreshNanos());
                CompletableFuture<Live> mine = opening;
                mine.whenComplete((l, e) -> {
                    synchronized (this) {
                        if (opening == mine) {
                            opening = null;
                        }
                        if (l != null) {
                            live.add(l);
                        }
                    }
                });
            }
            wait = opening;
        }
        return wait.thenApply(l -> {
            l.streams.incrementAndGet();
            return l;
        });
    }

    void release(Live l) {
        if (l.streams.decrementAndGet() == 0) {
            l.idleSinceNanos = System.nanoTime();
        }
    }

    /**
     * Closes the connections that have carried no stream for longer than the pool's idle timeout, as the HTTP/1.1
     * pool does; a stream can no longer be started on one once it is out of the list (both under this lock).
     */
    void evictIdle(long nowNanos) {
        long timeout = idleTimeoutNanos;
        List<Live> idle = new ArrayList<>(1);
        synchronized (this) {
            live.removeIf(l -> {
                boolean evict = l.streams.get() == 0 && nowNanos - l.idleSinceNanos > timeout;
                if (evict) {
                    idle.add(l);
                }
                return evict || !l.connection.isOpen();
            });
        }
        idle.forEach(l -> l.connection.closeSilently());
    }

    /** Open connections that carry no stream now. */
    synchronized int idleConnections() {
        int n = 0;
        for (Live l : live) {
            if (l.connection.isOpen() && l.streams.get() == 0) {
                n++;
            }
        }
        return n;
    }

    private CompletableFuture<Live> open(long dnsRefreshNanos) {
        CompletableFuture<Live> result = new CompletableFuture<>();
        dns.lookup(host, dnsRefreshNanos).whenComplete((address, error) -> {
            if (error != null) {
                result.completeExceptionally(new UnresolvedHost(host, error));
            } else {
                connect(address, result);
            }
        });
        return result;
    }

    /**
     * The connect completes once the HTTP/2 preface is exchanged (h2c) or the TLS handshake is done (h2):
     * Http2ClientFilter holds it until then.
     */
    private void connect(InetAddress address, CompletableFuture<Live> result) {
        GrizzlyFuture<Connection> pending = connector.connect(new InetSocketAddress(address, port));
        pending.addCompletionHandler(new EmptyCompletionHandler<>() {
            @Override
            public void completed(Connection connection) {
                if (tls && Http2Session.get(connection) == null) {
                    Throwable handshake = handshakeFailures.get(connection);
                    connection.closeSilently();
                    result.completeExceptionally(handshake != null ? handshake : new NotH2(host, port));
                    return;
                }
                Live l = new Live(connection);
                lives.set(connection, l);
                connection.addCloseListener((c, type) -> l.exchanges.forEach(H2Exchange::connectionClosed));
                result.complete(l);
            }

            @Override
            public void failed(Throwable error) {
                result.completeExceptionally(error);
            }

            @Override
            public void cancelled() {
                result.completeExceptionally(new java.util.concurrent.CancellationException("connect cancelled"));
            }
        });
    }

    synchronized int openConnections() {
        live.removeIf(l -> !l.connection.isOpen());
        return live.size();
    }

    /** Closes this target's connections if none carries a stream now (its target left the config); true if closed. */
    boolean closeIfIdle() {
        List<Live> all;
        synchronized (this) {
            if (opening != null || live.stream().anyMatch(l -> l.streams.get() > 0)) {
                return false;
            }
            closed = true;
            all = new ArrayList<>(live);
            live.clear();
        }
        all.forEach(l -> l.connection.closeSilently());
        return true;
    }

    /** Closes every connection; their streams fail. */
    void close() {
        List<Live> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(live);
            live.clear();
        }
        all.forEach(l -> l.connection.closeSilently());
    }

    /** An {@code h2} target whose TLS handshake did not choose {@code h2} by ALPN (an HTTP/1.1-only server). */
    static final class NotH2 extends Exception {
        NotH2(String host, int port) {
            super("the upstream " + host + ":" + port + " did not choose h2 by ALPN (protocol: h2 needs an HTTP/2"
                    + " server; use http1 for this one)", null, false, false);
        }
    }

    /** The target's host name did not resolve. */
    static final class UnresolvedHost extends Exception {
        final String host;

        UnresolvedHost(String host, Throwable cause) {
            super(host, cause, false, false);
            this.host = host;
        }
    }
}
