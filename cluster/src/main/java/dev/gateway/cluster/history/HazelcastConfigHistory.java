package dev.gateway.cluster.history;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.gateway.config.feed.ConfigVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@link ConfigHistory} in {@value HistoryMaps#CONFIG_HISTORY_MAP}, keyed by version. A record is a fire-and-forget
 * {@code setAsync} of its version and a {@code deleteAsync} of the version {@link #KEEP} below it; a read drops
 * whatever is older than the newest {@link #KEEP} (versions that skipped numbers), so the map stays bounded. Reads wait
 * at most {@code timeout} ({@link TimedRead}).
 */
public final class HazelcastConfigHistory implements ConfigHistory {
    private final IMap<Long, StoredHistoryVersion> map;
    private final TimedRead<List<ConfigVersion>> read;

    public HazelcastConfigHistory(HazelcastInstance hazelcast, Duration timeout) {
        this.map = hazelcast.getMap(HistoryMaps.CONFIG_HISTORY_MAP);
        this.read = new TimedRead<>("config history", timeout, this::readAll);
    }

    @Override
    public void record(ConfigVersion version) {
        try {
            map.setAsync(version.version(), new StoredHistoryVersion(version));
            if (version.version() > KEEP) {
                map.deleteAsync(version.version() - KEEP);
            }
        } catch (RuntimeException e) {
            // best effort: the next node applying this version records it again
        }
    }

    @Override
    public List<ConfigVersion> recent() {
        return read.get();
    }

    private List<ConfigVersion> readAll() {
        List<ConfigVersion> out = new ArrayList<>();
        for (StoredHistoryVersion v : map.values()) {
            out.add(v.version());
        }
        out.sort(Comparator.comparingLong(ConfigVersion::version).reversed());
        while (out.size() > KEEP) {
            map.deleteAsync(out.remove(out.size() - 1).version());
        }
        return out;
    }
}
