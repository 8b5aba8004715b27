package dev.gateway.cluster.summary;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary's wire forms: the new one round-trips whole, the first one (a node of the earlier build) still reads. */
class StoredSummaryTest {
    private final InternalSerializationService serialization = serialization();

    private static InternalSerializationService serialization() {
        Config config = new Config();
        SummaryMaps.register(config);
        return new DefaultSerializationServiceBuilder().setConfig(config.getSerializationConfig()).build();
    }

    /** What a node of the first form wrote: class id 1, no routes or limits. */
    private static final class FirstForm implements IdentifiedDataSerializable {
        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString("gw-old");
            out.writeLong(2_000);
            out.writeLong(1_000);
            out.writeLong(42);
            out.writeLong(3);
            out.writeString(null);
            out.writeLong(5);
            out.writeInt(1);
            out.writeString("users");
            out.writeString("open");
        }

        @Override
        public void readData(com.hazelcast.nio.ObjectDataInput in) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int getFactoryId() {
            return SummaryMaps.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return StoredSummary.FIRST_FORM_CLASS_ID;
        }
    }

    @Test
    void theNewFormRoundTripsWithRoutesAndLimits() {
        NodeSummary summary = new NodeSummary("gw-1", 2_000, 1_000, 42, 3, null, 5, Map.of("users", "open"),
                Map.of("users", new NodeSummary.RouteStats(40, 3, 1_200, 9_800)),
                Map.of("per-ip", new NodeSummary.LimitStats(30, 9, 1)));

        Data data = serialization.toData(new StoredSummary(summary));
        StoredSummary back = serialization.toObject(data);

        assertThat(back.summary()).isEqualTo(summary);
    }

    @Test
    void anEntryOfTheFirstFormStillReads() {
        Data data = serialization.toData(new FirstForm());
        StoredSummary back = serialization.toObject(data);

        assertThat(back.summary()).isEqualTo(new NodeSummary("gw-old", 2_000, 1_000, 42, 3, null, 5,
                Map.of("users", "open")));
        assertThat(back.summary().routes()).isEmpty();
    }
}
