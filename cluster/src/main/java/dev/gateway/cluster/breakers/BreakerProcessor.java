package dev.gateway.cluster.breakers;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.gateway.cluster.member.MemberClock;
import dev.gateway.limiter.breaker.BreakerSpec;
import dev.gateway.limiter.breaker.SharedBreakerPolicy;
import dev.gateway.limiter.breaker.SharedBreakerState;
import java.io.IOException;
import java.util.Map;

/**
 * One call of the shared breaker, run on the owner of the upstream's entry: {@link SharedBreakerPolicy}'s
 * function (chosen by the subclass) over the stored state, or over a fresh closed breaker for an unknown
 * upstream. The spec and the calling node's name travel with the processor, so the owner needs no config; the
 * time is the owner's {@link MemberClock}, read here (no clock reading travels with the call), so open-until,
 * probe leases and the age of each node's evidence are all on one time line, whichever node calls and however far
 * its clock is off. The new state is stored only when it differs, and then handed to the backup as it is
 * ({@link BreakerBackup}), so the backup holds exactly what the owner does. Returns the state after the call,
 * the owner's time it was decided at (so the caller can read the state's instants on its own clock) and, for
 * probe requests, whether the probe was granted.
 */
abstract class BreakerProcessor implements EntryProcessor<String, StoredBreakerState, BreakerReply>,
        IdentifiedDataSerializable, HazelcastInstanceAware {

    private BreakerSpec spec;
    private String node;
    private transient HazelcastInstance member;
    private transient BreakerBackup backup;

    BreakerProcessor() {
    }

    BreakerProcessor(BreakerSpec spec, String node) {
        this.spec = spec;
        this.node = node;
    }

    @Override
    public final void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.member = hazelcastInstance;
    }

    /** This call's decision over {@code state}. */
    abstract BreakerReply decide(SharedBreakerPolicy policy, SharedBreakerState state, String node, long nowMillis);

    @Override
    public final BreakerReply process(Map.Entry<String, StoredBreakerState> entry) {
        backup = null;
        if (member == null) {
            throw new IllegalStateException("no member clock: the processor was not initialized by its member");
        }
        long nowMillis = MemberClock.epochMillis(member);
        StoredBreakerState stored = entry.getValue();
        SharedBreakerState state = stored == null ? SharedBreakerState.initial(nowMillis) : stored.state();
        BreakerReply reply = decide(new SharedBreakerPolicy(spec), state, node, nowMillis);
        if (!reply.state().equals(state)) {
            changed(entry.getKey(), node, stored == null ? null : state, reply.state());
            StoredBreakerState next = new StoredBreakerState(reply.state());
            entry.setValue(next);
            backup = new BreakerBackup(next);
        }
        return reply.at(nowMillis);
    }

    @Override
    public final EntryProcessor<String, StoredBreakerState, BreakerReply> getBackupProcessor() {
        return backup;
    }

    @Override
    public final int getFactoryId() {
        return BreakerMaps.FACTORY_ID;
    }

    @Override
    public final void writeData(ObjectDataOutput out) throws IOException {
        BreakerWire.writeSpec(out, spec);
        out.writeString(node);
        writeArguments(out);
    }

    @Override
    public final void readData(ObjectDataInput in) throws IOException {
        spec = BreakerWire.readSpec(in);
        node = in.readString();
        if (node == null) {
            throw new IOException("a breaker call does not decode: no node");
        }
        readArguments(in);
    }

    /** Called on the owner when {@code node}'s call changed the entry ({@code before} null: none); no-op here. */
    void changed(String upstream, String node, SharedBreakerState before, SharedBreakerState after) {
    }

    /** Writes the subclass's own arguments, after the common ones. */
    abstract void writeArguments(ObjectDataOutput out) throws IOException;

    /** Reads what {@link #writeArguments} wrote. */
    abstract void readArguments(ObjectDataInput in) throws IOException;
}
