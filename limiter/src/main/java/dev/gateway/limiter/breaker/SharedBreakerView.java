package dev.gateway.limiter.breaker;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the cluster-wide breaker of one upstream says, as a node reads it back and as {@code /admin/breakers}
 * shows it: the decision and the evidence it rests on.
 *
 * @param snapshot the shared decision: state, open-until (OPEN) or probe-lease deadline (HALF_OPEN),
 *                 generation; as of the last change, so an {@code OPEN} whose {@code openUntilMillis} has passed
 *                 is due for probes (the next report or probe request moves it to {@code HALF_OPEN})
 * @param evidence the latest fresh report of every node since the breaker last opened or closed, by node
 *                 name (sorted, unmodifiable)
 */
public record SharedBreakerView(BreakerSnapshot snapshot, Map<String, NodeEvidence> evidence) {

    public SharedBreakerView {
        Objects.requireNonNull(snapshot, "snapshot");
        evidence = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(evidence, "evidence")));
    }
}
