package dev.gateway.limiter.breaker;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The breaker's legal transitions, as data:
 * <pre>
 *   CLOSED    + TRIP            -&gt; OPEN
 *   OPEN      + OPEN_ELAPSED    -&gt; HALF_OPEN
 *   HALF_OPEN + PROBE_SUCCEEDED -&gt; CLOSED     (only once every required probe succeeded: the caller decides)
 *   HALF_OPEN + PROBE_FAILED    -&gt; OPEN
 *   any       + FORCE_CLOSE     -&gt; CLOSED
 * </pre>
 * An event that is not legal in a state (say {@code TRIP} while {@code OPEN}) is no error: it leaves the state
 * as it is, and {@link #next} returns {@code from}. That is what concurrent callers need, since an event may
 * arrive after another one already moved the breaker on. Every state change in {@link BreakerPolicy} goes
 * through {@link #next}.
 */
public final class Transitions {

    private static final Map<BreakerState, Map<BreakerEvent, BreakerState>> TABLE = table();

    private Transitions() {
    }

    /** The state {@code event} leads to from {@code from}; {@code from} itself when the event is not legal there. */
    public static BreakerState next(BreakerState from, BreakerEvent event) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(event, "event");
        return TABLE.get(from).getOrDefault(event, from);
    }

    /** Whether the table has a row for {@code event} in {@code from} (a self-loop such as CLOSED + FORCE_CLOSE counts). */
    public static boolean isLegal(BreakerState from, BreakerEvent event) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(event, "event");
        return TABLE.get(from).containsKey(event);
    }

    private static Map<BreakerState, Map<BreakerEvent, BreakerState>> table() {
        Map<BreakerState, Map<BreakerEvent, BreakerState>> table = new EnumMap<>(BreakerState.class);
        for (BreakerState state : BreakerState.values()) {
            table.put(state, new EnumMap<>(BreakerEvent.class));
        }
        table.get(BreakerState.CLOSED).put(BreakerEvent.TRIP, BreakerState.OPEN);
        table.get(BreakerState.OPEN).put(BreakerEvent.OPEN_ELAPSED, BreakerState.HALF_OPEN);
        table.get(BreakerState.HALF_OPEN).put(BreakerEvent.PROBE_SUCCEEDED, BreakerState.CLOSED);
        table.get(BreakerState.HALF_OPEN).put(BreakerEvent.PROBE_FAILED, BreakerState.OPEN);
        for (BreakerState state : BreakerState.values()) {
            table.get(state).put(BreakerEvent.FORCE_CLOSE, BreakerState.CLOSED);
        }
        table.replaceAll((state, row) -> Collections.unmodifiableMap(row));
        return Collections.unmodifiableMap(table);
    }
}
