package dev.gateway.cluster.breakers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.SharedBreakerPolicy;
import dev.gateway.limiter.breaker.SharedBreakerState;
import java.io.IOException;

/** The outcome of a node's probe: {@link SharedBreakerPolicy#onProbeResult} on the entry's owner. */
final class ProbeResultProcessor extends BreakerProcessor {
    private boolean success;

    ProbeResultProcessor() {
    }

    ProbeResultProcessor(BreakerSpec spec, String node, boolean success) {
        super(spec, node);
        this.success = success;
    }

    @Override
    BreakerReply decide(SharedBreakerPolicy policy, SharedBreakerState state, String node, long nowMillis) {
        return new BreakerReply(false, policy.onProbeResult(state, node, success, nowMillis));
    }

    @Override
    void writeArguments(ObjectDataOutput out) throws IOException {
        out.writeBoolean(success);
    }

    @Override
    void readArguments(ObjectDataInput in) throws IOException {
        success = in.readBoolean();
    }

    @Override
    public int getClassId() {
        return BreakerSerializableFactory.PROBE_RESULT;
    }
}
