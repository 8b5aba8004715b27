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
    /** The generation of the view the reporting node holds (0: none). */
    private long knownGeneration;

    ReportProcessor() {
    }

    ReportProcessor(BreakerSpec spec, String node, Evidence evidence, long knownGeneration) {
        super(spec, node);
        this.evidence = evidence;
        this.knownGeneration = knownGeneration;
    }

    @Override
    BreakerReply decide(SharedBreakerPolicy policy, SharedBreakerState state, String node, long nowMillis) {
        return new BreakerReply(false, policy.onReport(state, node, evidence, knownGeneration, nowMillis));
    }

    @Override
    void writeArguments(ObjectDataOutput out) throws IOException {
        BreakerWire.writeEvidence(out, evidence);
        out.writeLong(knownGeneration);
    }

    @Override
    void readArguments(ObjectDataInput in) throws IOException {
        evidence = BreakerWire.readEvidence(in);
        knownGeneration = in.readLong();
    }

    @Override
    public int getClassId() {
        return BreakerSerializableFactory.REPORT;
    }
}
