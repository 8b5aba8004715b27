package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.upstream.ResolvedHosts;
import dev.gateway.node.upstream.UpstreamCall;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.GrizzlyFuture;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.nio.transport.TCPNIOConnectorHandler;

/**
 * Keep-alive connections to one target of one upstream, bounded by {@code maxConnections}
 * (open plus opening). Idle connections are reused most-recent first, so that the least used
 * ones age out after {@code idleTimeout}. When the bound is reached, exchanges wait in a
 * bounded queue for a connection to come back; past that they fail with 503 at once. New
 * connections to an {@code https} target complete their TLS handshake before they carry an
 * exchange, and are pooled like the others afterwards.
 *
 * <p>New connections go to the host's address as {@link ResolvedHosts} knows it (resolved off the I/O
 * threads, refreshed every {@code dns-refresh}); a connection older than {@code maxLifetime} is closed when
 * it comes back instead of reused, so that under steady load the pool moves to a changed address within
 * about {@code dns-refresh + maxLifetime}. A pool {@link #retire() retired} (its target left the config)
 * closes its idle connections and every connection that comes back, and lets its owner drop it once it has
 * none open.
 * Thread-safe and lock-free on the reuse path.
 */
final class TargetPool {
    private static final int WAITERS_PER_CONNECTION = 4;

    private final String host;
    private final int port;
    private final TCPNIOConnectorHandler connector;
    /** Null for a plain {@code http} target. */
    private final TlsChain tls;
    private final Attribute<PooledConnection> attribute;
    private final ScheduledExecutorService timer;
    private final ConcurrentLinkedDeque<PooledConnection> idle = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedQueue<UpstreamExchange> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ResolvedHosts dns;
    private volatile int maxConnections;
    private volatile long idleTimeoutNanos;
    private volatile long maxLifetimeNanos;
    private volatile long dnsRefreshNanos;
    private volatile boolean retired;

    /**
     * @param connector the plain connector; an {@code https} target uses the one of {@code tls}
     * @param tls       the chain of an {@code https} target's TLS configuration, null for {@code http}
     * @param timer     bounds TLS handshakes
     * @param dns       resolves {@code host} off the I/O threads
     */
    TargetPool(String host, int port, TCPNIOConnectorHandler connector, TlsChain tls,
               Attribute<PooledConnection> attribute, ScheduledExecutorService timer, ResolvedHosts dns,
               UpstreamCall.PoolSettings settings) {
        this.host = host;
        this.port = port;
        this.connector = tls == null ? connector : tls.connector();
        this.tls = tls;
        this.attribute = attribute;
        this.timer = timer;
        this.dns = dns;
        configure(settings);
    }

    /** Applies the bounds of the calls' upstream; cheap when nothing changed (called on every call). */
    void configure(UpstreamCall.PoolSettings settings) {
        if (settings.maxConnections() != maxConnections) {
            maxConnections = settings.maxConnections();
        }
        if (settings.idleTimeoutNanos() != idleTimeoutNanos) {
            idleTimeoutNanos = settings.idleTimeoutNanos();
        }
        if (settings.maxLifetimeNanos() != maxLifetimeNanos) {
            maxLifetimeNanos = settings.maxLifetimeNanos();
        }
        if (settings.dnsRefreshNanos() != dnsRefreshNanos) {
            dnsRefreshNanos = settings.dnsRefreshNanos();
        }
    }

    /** The target left the config: idle connections close now, busy ones when they come back. */
    void retire() {
        retired = true;
        PooledConnection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    /** The target is in the config again before its pool was dropped. */
    void unretire() {
        retired = false;
    }

    boolean isRetired() {
        return retired;
    }

    private boolean expired(PooledConnection c, long nowNanos) {
        return nowNanos - c.createdNanos >= maxLifetimeNanos;
    }

    /** Hands {@code exchange} a connection now, later, or fails it with 503. */
    void acquire(UpstreamExchange exchange) {
        PooledConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (expired(c, System.nanoTime())) {
                c.close();
            } else if (c.isOpen()) {
                if (!exchange.onConnection(c)) {
                    release(c);
                }
                return;
            }
        }
        if (tryReserve()) {
            connect(exchange);
            return;
        }
        if (waiting.incrementAndGet() > maxConnections * WAITERS_PER_CONNECTION) {
            waiting.decrementAndGet();
            exchange.fail(ExchangeErrors.poolExhausted());
            return;
        }
        waiters.add(exchange);
        // A connection may have come back between the checks above and the enqueue.
        c = idle.pollFirst();
        if (c != null) {
            release(c);
        } else if (tryReserve()) {
            UpstreamExchange next = pollWaiter();
            if (next != null) {
                connect(next);
            } else {
                open.decrementAndGet();
            }
        }
    }

    /** A connection whose exchange finished cleanly: to the next waiter, else idle. */
    void release(PooledConnection c) {
        c.exchange = null;
        if (!c.isOpen()) {
            return;
        }
        if (expired(c, System.nanoTime())) {
            c.close(); // onClosed hands the slot to a waiter, on a new connection to the current address
            return;
        }
        UpstreamExchange next;
        while ((next = pollWaiter()) != null) {
            if (next.onConnection(c)) {
                return;
            }
        }
        if (retired) {
            c.close();
            return;
        }
        c.idleSinceNanos = System.nanoTime();
        idle.offerFirst(c);
    }

    /**
     * {@code c} leaves the pool for good (it carries a WebSocket tunnel now): its slot is free at once, and its close
     * is not counted again.
     */
    void detach(PooledConnection c) {
        c.detached = true;
        idle.remove(c);
        slotFreed();
    }

    /** Called once per connection when it closes, for any reason, unless it was {@link #detach detached}. */
    void onClosed(PooledConnection c) {
        idle.remove(c);
        slotFreed();
    }

    /** A slot was let go (a connection closed, a connect failed or was abandoned): to the first waiter, if any. */
    private void slotFreed() {
        open.decrementAndGet();
        if (!waiters.isEmpty() && tryReserve()) {
            UpstreamExchange next = pollWaiter();
            if (next != null) {
                connect(next);
            } else {
                open.decrementAndGet();
            }
        }
    }

    void removeWaiter(UpstreamExchange exchange) {
        if (waiters.remove(exchange)) {
            waiting.decrementAndGet();
        }
    }

    /** Closes connections idle for longer than the idle timeout, or older than the maximum lifetime. */
    void evictIdle(long nowNanos) {
        long timeout = idleTimeoutNanos;
        for (PooledConnection c : idle) {
            if ((nowNanos - c.idleSinceNanos > timeout || expired(c, nowNanos)) && idle.remove(c)) {
                c.close();
            }
        }
    }

    void close() {
        PooledConnection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    int openConnections() {
        return open.get();
    }

    int idleConnections() {
        return idle.size();
    }

    private UpstreamExchange pollWaiter() {
        UpstreamExchange next = waiters.poll();
        if (next != null) {
            waiting.decrementAndGet();
        }
        return next;
    }

    private boolean tryReserve() {
        for (;;) {
            int n = open.get();
            if (n >= maxConnections) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void connect(UpstreamExchange exchange) {
        exchange.onConnecting();
        CompletableFuture<InetAddress> address = dns.lookup(host, dnsRefreshNanos);
        if (address.isDone() && !address.isCompletedExceptionally()) {
            connectTo(address.join(), exchange); // the usual case: known, no hand-off
            return;
        }
        // the first resolution of this name: continues on the resolver's thread
        address.whenComplete((resolved, error) -> {
            if (error == null) {
                connectTo(resolved, exchange);
            } else {
                slotFreed();
                exchange.onUnresolved(host, error);
            }
        });
    }

    /**
     * Opens a connection for {@code exchange}. The exchange may abandon the connect (its connect timeout fired):
     * the pending socket is closed then, and its slot goes to the next waiter at once rather than when the
     * operating system gives up on the connect (minutes, towards a host that vanished).
     */
    private void connectTo(InetAddress resolved, UpstreamExchange exchange) {
        if (!exchange.isConnecting()) {
            slotFreed(); // it timed out while the name was being resolved
            return;
        }
        InetSocketAddress address = new InetSocketAddress(resolved, port);
        GrizzlyFuture<Connection> pending = connector.connect(address);
        pending.addCompletionHandler(new EmptyCompletionHandler<>() {
            @Override
            public void completed(Connection connection) {
                // From here the connection is counted down when it closes (UpstreamFilter.handleClose).
                PooledConnection pooled = new PooledConnection(connection, TargetPool.this);
                attribute.set(connection, pooled);
                if (tls == null) {
                    handOver(pooled, exchange);
                } else {
                    handshake(pooled, exchange);
                }
            }

            @Override
            public void failed(Throwable error) {
                slotFreed();
                exchange.onConnectFailed(error);
            }

            @Override
            public void cancelled() {
                slotFreed(); // abandoned: Grizzly closed the pending socket
            }
        });
        if (!exchange.onConnectStarted(() -> pending.cancel(false))) {
            pending.cancel(false); // it timed out meanwhile
        }
    }

    private void handOver(PooledConnection pooled, UpstreamExchange exchange) {
        if (!exchange.onConnection(pooled)) {
            release(pooled);
        }
    }

    /**
     * The TLS handshake of a new connection, before any exchange writes to it: the exchange is still
     * connecting, so its connect timeout covers the handshake, and a failed handshake fails it with
     * the reason. The handshake itself may take no longer than the connect timeout either, so that a
     * silent upstream cannot hold a connection slot after the exchange gave up on it.
     */
    private void handshake(PooledConnection pooled, UpstreamExchange exchange) {
        Connection<?> connection = pooled.connection;
        AtomicBoolean settled = new AtomicBoolean();
        ScheduledFuture<?> watchdog = timer.schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                exchange.onHandshakeTimeout();
                connection.closeSilently();
            }
        }, exchange.connectTimeoutNanos(), TimeUnit.NANOSECONDS);
        tls.handshake(connection, host, port, new EmptyCompletionHandler<>() {
            @Override
            public void completed(SSLEngine engine) {
                if (settled.compareAndSet(false, true)) {
                    watchdog.cancel(false);
                    handOver(pooled, exchange);
                }
            }

            @Override
            public void failed(Throwable error) {
                if (settled.compareAndSet(false, true)) {
                    watchdog.cancel(false);
                    exchange.onHandshakeFailed(error);
                }
                connection.closeSilently();
            }
        });
    }
}
