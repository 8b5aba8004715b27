package dev.gateway.cluster.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;

/**
 * The console's shared memory: {@value #CONFIG_HISTORY_MAP} (the last {@value ConfigHistory#KEEP} config versions,
 * by version) and the ring buffer {@value #AUDIT_RING} (the last {@value AuditLog#KEEP} admin writes). Both with one
 * backup and no split-brain protection: a history is what each side saw, and it is for people, not for decisions.
 */
public final class HistoryMaps {
    public static final String CONFIG_HISTORY_MAP = "gateway.config.history";
    public static final String AUDIT_RING = "gateway.admin.audit";
    public static final int FACTORY_ID = 7_106;

    private HistoryMaps() {
    }

    public static void register(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID, typeId -> switch (typeId) {
            case StoredHistoryVersion.CLASS_ID -> new StoredHistoryVersion();
            case StoredAuditEntry.CLASS_ID -> new StoredAuditEntry();
            default -> null;
        });
        config.addMapConfig(new MapConfig(CONFIG_HISTORY_MAP).setBackupCount(1).setStatisticsEnabled(false));
        config.addRingBufferConfig(new RingbufferConfig(AUDIT_RING).setCapacity(AuditLog.KEEP).setBackupCount(1));
    }
}
