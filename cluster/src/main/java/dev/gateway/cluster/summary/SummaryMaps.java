package dev.gateway.cluster.summary;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;

/**
 * The map of node summaries, {@value #SUMMARIES_MAP}: one small entry per node with a per-entry time to live, one
 * backup (a lost entry comes back with its node's next publish, a second later), no split-brain protection (a node
 * on a minority side still shows what it sees).
 */
public final class SummaryMaps {
    public static final String SUMMARIES_MAP = "gateway.node.summaries";
    public static final int FACTORY_ID = 7_105;

    private SummaryMaps() {
    }

    public static void register(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID,
                typeId -> switch (typeId) {
                    case StoredSummary.CLASS_ID -> new StoredSummary();
                    case StoredSummary.FIRST_FORM_CLASS_ID -> new StoredSummary(true);
                    default -> null;
                });
        config.addMapConfig(new MapConfig(SUMMARIES_MAP)
                .setBackupCount(1)
                .setStatisticsEnabled(false));
    }
}
