package dev.gateway.limiter.breaker;

import static dev.gateway.limiter.breaker.BreakerEvent.FORCE_CLOSE;
import static dev.gateway.limiter.breaker.BreakerEvent.OPEN_ELAPSED;
import static dev.gateway.limiter.breaker.BreakerEvent.PROBE_FAILED;
import static dev.gateway.limiter.breaker.BreakerEvent.PROBE_SUCCEEDED;
import static dev.gateway.limiter.breaker.BreakerEvent.TRIP;
import static dev.gateway.limiter.breaker.BreakerState.CLOSED;
import static dev.gateway.limiter.breaker.BreakerState.HALF_OPEN;
import static dev.gateway.limiter.breaker.BreakerState.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BreakerTransitionsTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
            // the table's rows
            "CLOSED,    TRIP,            OPEN,      true",
            "OPEN,      OPEN_ELAPSED,    HALF_OPEN, true",
            "HALF_OPEN, PROBE_SUCCEEDED, CLOSED,    true",
            "HALF_OPEN, PROBE_FAILED,    OPEN,      true",
            "CLOSED,    FORCE_CLOSE,     CLOSED,    true",
            "OPEN,      FORCE_CLOSE,     CLOSED,    true",
            "HALF_OPEN, FORCE_CLOSE,     CLOSED,    true",
            // everything else leaves the state as it is
            "CLOSED,    OPEN_ELAPSED,    CLOSED,    false",
            "CLOSED,    PROBE_SUCCEEDED, CLOSED,    false",
            "CLOSED,    PROBE_FAILED,    CLOSED,    false",
            "OPEN,      TRIP,            OPEN,      false",
            "OPEN,      PROBE_SUCCEEDED, OPEN,      false",
            "OPEN,      PROBE_FAILED,    OPEN,      false",
            "HALF_OPEN, TRIP,            HALF_OPEN, false",
            "HALF_OPEN, OPEN_ELAPSED,    HALF_OPEN, false",
    })
    void everyStateAndEvent(BreakerState from, BreakerEvent event, BreakerState to, boolean legal) {
        assertThat(Transitions.next(from, event)).isEqualTo(to);
        assertThat(Transitions.isLegal(from, event)).isEqualTo(legal);
    }

    @Test
    void anEventNotLegalInAStateLeavesItUnchanged() {
        int legal = 0;
        for (BreakerState from : BreakerState.values()) {
            for (BreakerEvent event : BreakerEvent.values()) {
                if (Transitions.isLegal(from, event)) {
                    legal++;
                } else {
                    assertThat(Transitions.next(from, event)).as(from + " + " + event).isEqualTo(from);
                }
            }
        }
        assertThat(legal).as("rows of the table").isEqualTo(7);
    }

    @Test
    void legalMovesAreExactlyTheTable() {
        assertThat(Transitions.next(CLOSED, TRIP)).isEqualTo(OPEN);
        assertThat(Transitions.next(OPEN, OPEN_ELAPSED)).isEqualTo(HALF_OPEN);
        assertThat(Transitions.next(HALF_OPEN, PROBE_SUCCEEDED)).isEqualTo(CLOSED);
        assertThat(Transitions.next(HALF_OPEN, PROBE_FAILED)).isEqualTo(OPEN);
        for (BreakerState state : BreakerState.values()) {
            assertThat(Transitions.next(state, FORCE_CLOSE)).isEqualTo(CLOSED);
        }
    }

    @Test
    void rejectsNulls() {
        assertThatThrownBy(() -> Transitions.next(null, TRIP)).hasMessage("from");
        assertThatThrownBy(() -> Transitions.next(CLOSED, null)).hasMessage("event");
    }
}
