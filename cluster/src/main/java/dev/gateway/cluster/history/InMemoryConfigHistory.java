package dev.gateway.cluster.history;

import dev.gateway.config.feed.ConfigVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/** {@link ConfigHistory} of one process (a standalone node, and tests). Thread-safe. */
public final class InMemoryConfigHistory implements ConfigHistory {
    private final TreeMap<Long, ConfigVersion> versions = new TreeMap<>();

    @Override
    public synchronized void record(ConfigVersion version) {
        versions.putIfAbsent(version.version(), version);
        while (versions.size() > KEEP) {
            versions.pollFirstEntry();
        }
    }

    @Override
    public synchronized List<ConfigVersion> recent() {
        List<ConfigVersion> out = new ArrayList<>(versions.values());
        out.sort(Comparator.comparingLong(ConfigVersion::version).reversed());
        return out;
    }
}
