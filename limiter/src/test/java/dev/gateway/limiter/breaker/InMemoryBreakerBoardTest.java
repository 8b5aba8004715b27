package dev.gateway.limiter.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The board contract against the in-memory board, both handles being the same board. */
class InMemoryBreakerBoardTest extends BreakerBoardContract {
    private final InMemoryBreakerBoard board = new InMemoryBreakerBoard();

    @Override
    protected BreakerBoard board() {
        return board;
    }

    @Override
    protected BreakerBoard otherNode() {
        return board;
    }

    @Override
    protected BreakerViews views() {
        return board;
    }

    @Test
    void listenersHearEveryChangeSynchronouslyAndStopOnClose() throws Exception {
        List<String> heard = new ArrayList<>();
        AutoCloseable subscription = board.subscribe((upstream, view) ->
                heard.add(upstream + ":" + view.snapshot().state() + ":" + view.evidence().keySet()));
        board.report("u", SPEC, "a", new Evidence(1, 1), T0);
        board.tryProbe("u", SPEC, "a", T0 + 1);
        board.report("u", SPEC, "b", new Evidence(10, 10), T0 + 2);
        assertThat(heard).containsExactly("u:CLOSED:[a]", "u:OPEN:[a, b]");
        subscription.close();
        board.report("u", SPEC, "a", Evidence.NONE, T0 + 3);
        assertThat(heard).hasSize(2);
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        List<String> heard = new ArrayList<>();
        board.subscribe((upstream, view) -> {
            throw new IllegalStateException("listener bug");
        });
        board.subscribe((upstream, view) -> heard.add(upstream));
        board.report("u", SPEC, "a", Evidence.NONE, T0);
        assertThat(heard).containsExactly("u");
    }
}
