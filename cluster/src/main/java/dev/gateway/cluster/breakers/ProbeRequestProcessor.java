package dev.gateway.cluster.breakers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.SharedBreakerPolicy;
import dev.gateway.limiter.breaker.SharedBreakerState;
import dev.gateway.limiter.breaker.SharedProbeGrant;

/** A node asks for a probe lease: {@link SharedBreakerPolicy#onProbeRequest} on the entry's owner. */
final class ProbeRequestProcessor extends BreakerProcessor {

    ProbeRequestProcessor() {
    }

    ProbeRequestProcessor(BreakerSpec spec, String node) {
        super(spec, node);
    }

    @Override
    BreakerReply decide(SharedBreakerPolicy policy, SharedBreakerState state, String node, long nowMillis) {
        SharedProbeGrant grant = policy.onProbeRequest(state, node, nowMillis);
        return new BreakerReply(grant.granted(), grant.state());
    }

    @Override
    void writeArguments(ObjectDataOutput out) {
        // no arguments of its own
    }

    @Override
    void readArguments(ObjectDataInput in) {
        // no arguments of its own
    }

    @Override
    public int getClassId() {
        return BreakerSerializableFactory.PROBE_REQUEST;
    }
}
