package dev.gateway.node.upstream;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream host names resolved off the I/O and timer threads, cached, and refreshed when older than the
 * upstream's {@code dns-refresh}. A lookup answers at once from the cache when the name was ever resolved (a
 * stale answer starts one refresh in the background and is used meanwhile), so connects do not wait for DNS
 * after the first; a name never resolved waits for its first resolution. A failed refresh keeps the last good
 * addresses and is logged once until a refresh succeeds again; a name never resolved fails its lookups with
 * {@link UnknownHostException}, and the next lookup tries again. IP literals are never looked up. Successive
 * lookups of a name with several addresses take them in turn.
 *
 * <p>Thread-safe. The resolver runs on one daemon thread owned by this object (or an executor given by tests).
 */
public final class ResolvedHosts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResolvedHosts.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final HostResolver resolver;
    private final ExecutorService executor;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** What is known of one name. */
    private static final class Entry {
        volatile List<InetAddress> addresses;
        volatile long resolvedAtNanos;
        /** The first resolution, while the name has no addresses yet; null when none is running. */
        CompletableFuture<List<InetAddress>> first;
        final AtomicBoolean refreshing = new AtomicBoolean();
        final AtomicBoolean failureLogged = new AtomicBoolean();
        final AtomicInteger next = new AtomicInteger();
    }

    /** With the JDK resolver on a dedicated daemon thread. */
    public static ResolvedHosts jdk() {
        return new ResolvedHosts(HostResolver.JDK, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gateway-dns");
            t.setDaemon(true);
            return t;
        }), System::nanoTime);
    }

    /**
     * @param executor where {@code resolver} runs; shut down by {@link #close()}
     * @param nanoTime the clock that ages cached answers
     */
    public ResolvedHosts(HostResolver resolver, ExecutorService executor, LongSupplier nanoTime) {
        this.resolver = resolver;
        this.executor = executor;
        this.nanoTime = nanoTime;
    }

    /**
     * One address of {@code host}: completed at once when cached (or an IP literal), else when the first
     * resolution ends; fails with {@link UnknownHostException} when the name was never resolved and cannot be.
     */
    public CompletableFuture<InetAddress> lookup(String host, long refreshNanos) {
        if (isLiteral(host)) {
            try {
                return CompletableFuture.completedFuture(InetAddress.getByName(host)); // a literal: no lookup
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Entry entry = entries.computeIfAbsent(host, h -> new Entry());
        List<InetAddress> known = entry.addresses;
        if (known != null) {
            if (nanoTime.getAsLong() - entry.resolvedAtNanos >= refreshNanos) {
                refresh(host, entry);
            }
            return CompletableFuture.completedFuture(pick(entry, known));
        }
        return first(host, entry).thenApply(addresses -> pick(entry, addresses));
    }

    private static InetAddress pick(Entry entry, List<InetAddress> addresses) {
        return addresses.size() == 1 ? addresses.get(0)
                : addresses.get(Math.floorMod(entry.next.getAndIncrement(), addresses.size()));
    }

    private CompletableFuture<List<InetAddress>> first(String host, Entry entry) {
        CompletableFuture<List<InetAddress>> started;
        synchronized (entry) {
            if (entry.first != null) {
                return entry.first;
            }
            if (entry.addresses != null) {
                return CompletableFuture.completedFuture(entry.addresses);
            }
            started = new CompletableFuture<>();
            entry.first = started;
        }
        submit(() -> {
            try {
                List<InetAddress> addresses = resolved(host);
                synchronized (entry) {
                    entry.addresses = addresses;
                    entry.resolvedAtNanos = nanoTime.getAsLong();
                    entry.first = null;
                }
                started.complete(addresses);
            } catch (UnknownHostException e) {
                synchronized (entry) {
                    entry.first = null; // the next lookup tries again
                }
                if (entry.failureLogged.compareAndSet(false, true)) {
                    log.warn("upstream host {} cannot be resolved: {}", host, e.getMessage());
                }
                started.completeExceptionally(e);
            }
        }, started);
        return started;
    }

    private void refresh(String host, Entry entry) {
        if (!entry.refreshing.compareAndSet(false, true)) {
            return;
        }
        submit(() -> {
            try {
                entry.addresses = resolved(host);
                entry.resolvedAtNanos = nanoTime.getAsLong();
                entry.failureLogged.set(false);
            } catch (UnknownHostException e) {
                // keep the last good addresses; try again after another refresh interval
                entry.resolvedAtNanos = nanoTime.getAsLong();
                if (entry.failureLogged.compareAndSet(false, true)) {
                    log.warn("upstream host {} cannot be resolved, still using {}: {}", host, entry.addresses,
                            e.getMessage());
                }
            } finally {
                entry.refreshing.set(false);
            }
        }, null);
    }

    private List<InetAddress> resolved(String host) throws UnknownHostException {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (RuntimeException e) {
            UnknownHostException unknown = new UnknownHostException(host + ": " + e);
            unknown.initCause(e);
            throw unknown;
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new UnknownHostException(host + ": no addresses");
        }
        return List.copyOf(addresses);
    }

    private void submit(Runnable task, CompletableFuture<?> failOnRejection) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            if (failOnRejection != null) {
                failOnRejection.completeExceptionally(new UnknownHostException("resolver closed"));
            }
        }
    }

    static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
