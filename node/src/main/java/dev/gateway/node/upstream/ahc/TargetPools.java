package dev.gateway.node.upstream.ahc;

import dev.gateway.node.upstream.UpstreamCall;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.connectionpool.Endpoint;
import org.glassfish.grizzly.connectionpool.MultiEndpointPool;
import org.glassfish.grizzly.connectionpool.SingleEndpointPool;

/**
 * The connection pool handed to AHC's Grizzly provider (grizzly {@code connection-pool}): one
 * sub-pool per pool partition (per upstream target, see {@code AhcUpstreamClient.Route}), made
 * the first time a call reaches it with the bounds of that call: {@code pool.max-connections},
 * {@code pool.idle-timeout}, {@code pool.max-lifetime} (the library's connection TTL), {@code timeouts.connect},
 * and {@code timeouts.response} as the
 * longest wait for a free connection. The library offers no resizing: later changes of those
 * settings apply to targets first used after the change (or after a restart).
 *
 * <p>A request waits when its target's connections are all busy (no fail-fast), and a failed
 * connect fails the waiting requests at once (no reconnect attempts).
 */
final class TargetPools extends MultiEndpointPool<SocketAddress> {
    private static final long KEEP_ALIVE_CHECK_MILLIS = 1000;

    private final ConcurrentHashMap<String, Settings> settings = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SingleEndpointPool<SocketAddress>> byPartition = new ConcurrentHashMap<>();

    private record Settings(int maxConnections, long idleMillis, long lifetimeMillis, long connectMillis,
                            long pollMillis) {
    }

    private TargetPools(int maxConnections, long idleMillis, EndpointPoolCustomizer<SocketAddress> customizer) {
        super(maxConnections, -1, null, -1, idleMillis, KEEP_ALIVE_CHECK_MILLIS, -1, 0, -1, -1, false, customizer);
    }

    static TargetPools create(int defaultMaxConnections, long defaultIdleMillis) {
        Customizer customizer = new Customizer();
        TargetPools pools = new TargetPools(defaultMaxConnections, defaultIdleMillis, customizer);
        customizer.pools = pools;
        return pools;
    }

    /** Records the bounds for {@code partition} unless its sub-pool already has some. */
    void settings(String partition, UpstreamCall.PoolSettings pool, long connectNanos, long responseNanos) {
        if (!settings.containsKey(partition)) {
            settings.putIfAbsent(partition, new Settings(Math.max(1, pool.maxConnections()),
                    TimeUnit.NANOSECONDS.toMillis(pool.idleTimeoutNanos()),
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(pool.maxLifetimeNanos())),
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(connectNanos)),
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(responseNanos))));
        }
    }

    int openConnections(String partition) {
        SingleEndpointPool<SocketAddress> pool = byPartition.get(partition);
        return pool == null ? 0 : pool.size();
    }

    int idleConnections(String partition) {
        SingleEndpointPool<SocketAddress> pool = byPartition.get(partition);
        return pool == null ? 0 : pool.getReadyConnectionsCount();
    }

    @Override
    protected SingleEndpointPool<SocketAddress> createSingleEndpointPool(Endpoint<SocketAddress> endpoint) {
        SingleEndpointPool<SocketAddress> pool = super.createSingleEndpointPool(endpoint);
        byPartition.put(String.valueOf(endpoint.getId()), pool);
        return pool;
    }

    private static final class Customizer implements EndpointPoolCustomizer<SocketAddress> {
        TargetPools pools;

        @Override
        public void customize(Endpoint<SocketAddress> endpoint, EndpointPoolBuilder<SocketAddress> builder) {
            // AHC names the endpoint by the partition key (its toString), prefixed by an address
            // override we never set.
            Settings s = pools.settings.get(String.valueOf(endpoint.getId()));
            if (s == null) {
                return;
            }
            builder.maxPoolSize(s.maxConnections())
                    .keepAliveTimeout(s.idleMillis(), TimeUnit.MILLISECONDS)
                    .connectionTTL(s.lifetimeMillis(), TimeUnit.MILLISECONDS)
                    .connectTimeout(s.connectMillis(), TimeUnit.MILLISECONDS)
                    .asyncPollTimeout(s.pollMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
