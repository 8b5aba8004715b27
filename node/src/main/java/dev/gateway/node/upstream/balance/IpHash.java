package dev.gateway.node.upstream.balance;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.Balancer;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.List;

/**
 * Client-address affinity: a fixed 64-bit hash of {@code request.exchange().clientAddress()}
 * picks a point on the targets laid end to end by weight, so each address always reaches the
 * same target, on every node and across restarts, and addresses spread in proportion to weights.
 * A request without a client address hashes as the empty string.
 *
 * <p>Any change to the target list or weights remaps most addresses (this is plain modulo
 * hashing, like nginx's {@code ip_hash}); use {@link ConsistentHash} when affinity must survive
 * such changes. Thread-safe (immutable); O(log n) per pick, no allocation.
 */
public final class IpHash implements Balancer {
    private final CumulativeWeights weights;

    public IpHash(List<UpstreamTarget> targets) {
        this.weights = new CumulativeWeights(targets);
    }

    @Override
    public UpstreamTarget pick(GatewayRequest request) {
        String address = request.exchange().clientAddress();
        long hash = Hashing.hash(address == null ? "" : address);
        return weights.at(Long.remainderUnsigned(hash, weights.total()));
    }
}
