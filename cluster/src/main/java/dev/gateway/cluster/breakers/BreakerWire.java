package dev.gateway.cluster.breakers;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.gateway.limiter.breaker.BreakerSnapshot;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.BreakerState;
import dev.gateway.limiter.breaker.Evidence;
import dev.gateway.limiter.breaker.NodeEvidence;
import dev.gateway.limiter.breaker.SharedBreakerState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the limiter's breaker records travel between members: field by field, states by name, durations as
 * seconds and nanoseconds. A record that does not validate when read is an {@link IOException}.
 */
final class BreakerWire {

    private BreakerWire() {
    }

    static void writeSpec(ObjectDataOutput out, BreakerSpec spec) throws IOException {
        out.writeDouble(spec.failureRatePercent());
        out.writeInt(spec.minimumCalls());
        writeDuration(out, spec.window());
        writeDuration(out, spec.openFor());
        out.writeInt(spec.halfOpenProbes());
        out.writeBoolean(spec.slowCall() != null);
        if (spec.slowCall() != null) {
            writeDuration(out, spec.slowCall());
        }
        out.writeInt(spec.consecutiveFailures());
    }

    static BreakerSpec readSpec(ObjectDataInput in) throws IOException {
        double rate = in.readDouble();
        int minimumCalls = in.readInt();
        Duration window = readDuration(in);
        Duration openFor = readDuration(in);
        int probes = in.readInt();
        Duration slowCall = in.readBoolean() ? readDuration(in) : null;
        int consecutive = in.readInt();
        try {
            return new BreakerSpec(rate, minimumCalls, window, openFor, probes, slowCall, consecutive);
        } catch (IllegalArgumentException e) {
            throw new IOException("a breaker spec does not decode: " + e.getMessage(), e);
        }
    }

    static void writeEvidence(ObjectDataOutput out, Evidence evidence) throws IOException {
        out.writeLong(evidence.calls());
        out.writeLong(evidence.failures());
        out.writeLong(evidence.consecutiveFailures());
    }

    static Evidence readEvidence(ObjectDataInput in) throws IOException {
        long calls = in.readLong();
        long failures = in.readLong();
        long consecutive = in.readLong();
        try {
            return new Evidence(calls, failures, consecutive);
        } catch (IllegalArgumentException e) {
            throw new IOException("breaker evidence does not decode: " + e.getMessage(), e);
        }
    }

    static void writeState(ObjectDataOutput out, SharedBreakerState state) throws IOException {
        BreakerSnapshot s = state.snapshot();
        out.writeString(s.state().name());
        out.writeLong(s.sinceMillis());
        out.writeLong(s.openUntilMillis());
        out.writeInt(s.probesGranted());
        out.writeInt(s.probesSucceeded());
        out.writeLong(s.generation());
        out.writeInt(state.evidence().size());
        for (NodeEvidence e : state.evidence().values()) {
            out.writeString(e.node());
            writeEvidence(out, e.evidence());
            out.writeLong(e.reportedAtMillis());
        }
        out.writeInt(state.probeHolders().size());
        for (String holder : state.probeHolders()) {
            out.writeString(holder);
        }
    }

    static SharedBreakerState readState(ObjectDataInput in) throws IOException {
        try {
            BreakerSnapshot snapshot = new BreakerSnapshot(BreakerState.valueOf(in.readString()), in.readLong(),
                    in.readLong(), in.readInt(), in.readInt(), in.readLong());
            int reports = in.readInt();
            Map<String, NodeEvidence> evidence = new TreeMap<>();
            for (int i = 0; i < reports; i++) {
                String node = in.readString();
                evidence.put(node, new NodeEvidence(node, readEvidence(in), in.readLong()));
            }
            int holders = in.readInt();
            List<String> probeHolders = new ArrayList<>(Math.max(0, Math.min(holders, 64)));
            for (int i = 0; i < holders; i++) {
                probeHolders.add(in.readString());
            }
            return new SharedBreakerState(snapshot, evidence, probeHolders);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("a breaker state does not decode: " + e.getMessage(), e);
        }
    }

    private static void writeDuration(ObjectDataOutput out, Duration d) throws IOException {
        out.writeLong(d.getSeconds());
        out.writeInt(d.getNano());
    }

    private static Duration readDuration(ObjectDataInput in) throws IOException {
        long seconds = in.readLong();
        int nanos = in.readInt();
        try {
            return Duration.ofSeconds(seconds, nanos);
        } catch (ArithmeticException e) {
            throw new IOException("a duration does not decode: " + seconds + " s " + nanos + " ns", e);
        }
    }
}
