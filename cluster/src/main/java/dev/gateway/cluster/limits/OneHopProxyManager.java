package dev.gateway.cluster.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.remote.CommandResult;
import io.github.bucket4j.distributed.remote.Request;
import io.github.bucket4j.distributed.serialization.InternalSerializationHelper;
import io.github.bucket4j.distributed.versioning.Version;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * bucket4j's Hazelcast backend (its entry processor's logic, serializers and backup), except that an
 * asynchronous command runs at the owner's clock ({@link OwnerClockBucketProcessor}: the client config must set
 * no client clock), and its answer reaches bucket4j in one hand-off to {@code executor} ({@link OneHop}) instead
 * of a chain of hops through Hazelcast's default executor. Each command carries its deadline
 * ({@link CallDeadline}): one the owner runs too late takes nothing.
 */
final class OneHopProxyManager<K> extends HazelcastProxyManager<K> {
    private final IMap<K, byte[]> map;
    private final Executor executor;
    private final HazelcastInstance member;
    private final long budgetNanos;

    /**
     * @param member      the local member, whose cluster time dates each call's deadline ({@link CallDeadline})
     * @param budgetNanos how long a call is worth running after it is sent: the caller's request timeout
     */
    @SuppressWarnings("deprecation") // bucket4j's builder cannot be subclassed; this public constructor can
    OneHopProxyManager(IMap<K, byte[]> map, ClientSideConfig clientSideConfig, Executor executor,
                       HazelcastInstance member, long budgetNanos) {
        super(map, clientSideConfig);
        this.map = map;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.member = Objects.requireNonNull(member, "member");
        this.budgetNanos = budgetNanos;
    }

    /** The synchronous path, unused by the limiter: at the owner's clock too. */
    @Override
    public <T> CommandResult<T> execute(K key, Request<T> request) {
        byte[] result = map.executeOnKey(key, new OwnerClockBucketProcessor<K>(request,
                CallDeadline.from(member, budgetNanos)));
        if (result == null) {
            throw CallDeadline.expired();
        }
        return InternalSerializationHelper.deserializeResult(result, request.getBackwardCompatibilityVersion());
    }

    /** Never throws (see {@link OneHop#call}). */
    @Override
    public <T> CompletableFuture<CommandResult<T>> executeAsync(K key, Request<T> request) {
        Version version = request.getBackwardCompatibilityVersion();
        long deadline = CallDeadline.from(member, budgetNanos);
        return OneHop.call(() -> map.submitToKey(key, new OwnerClockBucketProcessor<K>(request, deadline)), executor,
                bytes -> {
                    if (bytes == null) {
                        throw CallDeadline.expired();
                    }
                    return InternalSerializationHelper.deserializeResult(bytes, version);
                });
    }
}
