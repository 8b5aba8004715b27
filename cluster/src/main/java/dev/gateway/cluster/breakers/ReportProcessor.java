package dev.gateway.cluster.breakers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.HeldView;
import dev.gateway.limiter.breaker.SharedBreakerPolicy;
import dev.gateway.limiter.breaker.SharedBreakerState;
import java.io.IOException;
import java.util.logging.Logger;

/** A node's evidence report: {@link SharedBreakerPolicy#onReport} on the entry's owner. */
final class ReportProcessor extends BreakerProcessor {
    private static final Logger LOG = Logger.getLogger(ReportProcessor.class.getName());

    private Evidence evidence;
    /** The view the reporting node holds. */
    private HeldView held;

    ReportProcessor() {
    }

    ReportProcessor(BreakerSpec spec, String node, Evidence evidence, HeldView held) {
        super(spec, node);
        this.evidence = evidence;
        this.held = held;
    }

    @Override
    BreakerReply decide(SharedBreakerPolicy policy, SharedBreakerState state, String node, long nowMillis) {
        return new BreakerReply(false, policy.onReport(state, node, evidence, held, nowMillis));
    }

    /** A renumbering is a lost or replaced entry: rare, and worth a line in the owner's log. */
    @Override
    void changed(String upstream, String node, SharedBreakerState before, SharedBreakerState after) {
        if (held.generation() > 0 && (before == null || held.generation() > before.snapshot().generation())) {
            LOG.warning(() -> "breaker of upstream '" + upstream + "': the cluster's entry was "
                    + (before == null ? "missing" : "at generation " + before.snapshot().generation())
                    + " while node '" + node + "' held generation " + held.generation() + " (" + held.state()
                    + "): lost with its owner and backups or replaced in a split's heal; now "
                    + after.snapshot().state() + " under generation " + after.snapshot().generation());
        }
    }

    @Override
    void writeArguments(ObjectDataOutput out) throws IOException {
        BreakerWire.writeEvidence(out, evidence);
        out.writeLong(held.generation());
        out.writeByte(held.state().ordinal());
        out.writeLong(held.openForMillis());
    }

    @Override
    void readArguments(ObjectDataInput in) throws IOException {
        evidence = BreakerWire.readEvidence(in);
        long generation = in.readLong();
        int state = in.readByte();
        long openFor = in.readLong();
        if (state < 0 || state >= BreakerState.values().length) {
            throw new IOException("a breaker report does not decode: held state " + state);
        }
        try {
            held = new HeldView(generation, BreakerState.values()[state], openFor);
        } catch (IllegalArgumentException e) {
            throw new IOException("a breaker report does not decode: " + e.getMessage(), e);
        }
    }

    @Override
    public int getClassId() {
        return BreakerSerializableFactory.REPORT;
    }
}
