package dev.gateway.cluster.breakers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.SharedBreakerPolicy;
import dev.gateway.limiter.breaker.SharedBreakerState;
import java.io.IOException;

/** A node's evidence report: {@link SharedBreakerPolicy#onReport} on the entry's owner. */
final class ReportProcessor extends BreakerProcessor {
    private Evidence evidence;

    ReportProcessor() {
    }

    ReportProcessor(BreakerSpec spec, String node, Evidence evidence, long nowMillis) {
        super(spec, node, nowMillis);
        this.evidence = evidence;
    }

    @Override
    BreakerReply decide(SharedBreakerPolicy policy, SharedBreakerState state, String node, long nowMillis) {
        return new BreakerReply(false, policy.onReport(state, node, evidence, nowMillis));
    }

    @Override
    void writeArguments(ObjectDataOutput out) throws IOException {
        BreakerWire.writeEvidence(out, evidence);
    }

    @Override
    void readArguments(ObjectDataInput in) throws IOException {
        evidence = BreakerWire.readEvidence(in);
    }

    @Override
    public int getClassId() {
        return BreakerSerializableFactory.REPORT;
    }
}
