package dev.gateway.node.upstream;

import dev.gateway.node.http.GatewayResponse;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Sends requests to upstream targets over pooled keep-alive connections.
 *
 * <p>The returned future completes when the response headers have arrived; the response body
 * then streams. It fails with a {@link dev.gateway.node.http.GatewayException}: 502 when the
 * connection fails or the upstream answers with something that is not HTTP, 504 when the
 * connect or response timeout (or the exchange's deadline) passes, 503 when the target's pool
 * is exhausted for too long. A timeout after the head cuts the body instead: the body fails with
 * that 504 and the upstream connection is closed. Never blocks the caller. Thread-safe.
 */
public interface UpstreamClient extends AutoCloseable {

    CompletableFuture<GatewayResponse> send(UpstreamCall call);

    /**
     * The targets of the config now in force, after each config swap: a client that pools connections per
     * target closes the pools of the others once they are idle. The AHC comparison client keeps its
     * sub-pools (its connection-pool library cannot remove one), so it ignores this.
     */
    default void retainTargets(Set<UpstreamTarget> targets) {
    }

    /** Closes every pooled connection; calls in flight fail with 502. */
    @Override
    void close();
}
