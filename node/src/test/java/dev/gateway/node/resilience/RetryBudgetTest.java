package dev.gateway.node.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    @Test
    void retriesStayWithinTheShareOfRequestsOverTheLastSecond() {
        RetryBudget budget = new RetryBudget(0.2, nanos::get);
        for (int i = 0; i < 100; i++) {
            budget.onRequest();
        }
        int granted = 0;
        for (int i = 0; i < 100; i++) {
            if (budget.tryRetry()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(20);
    }

    @Test
    void aQuietUpstreamGetsOneRetryPerSecondAndAZeroShareNone() {
        RetryBudget budget = new RetryBudget(0.2, nanos::get);
        budget.onRequest();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
        RetryBudget none = new RetryBudget(0, nanos::get);
        none.onRequest();
        assertThat(none.tryRetry()).isFalse();
    }

    @Test
    void theWindowSlides() {
        RetryBudget budget = new RetryBudget(0.5, nanos::get);
        for (int i = 0; i < 10; i++) {
            budget.onRequest();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(budget.tryRetry()).isTrue();
        }
        assertThat(budget.tryRetry()).isFalse();
        nanos.addAndGet(1_100_000_000L); // the old slots left the window
        assertThat(budget.tryRetry()).isTrue(); // the floor of one
        assertThat(budget.tryRetry()).isFalse();
        for (int i = 0; i < 10; i++) {
            budget.onRequest();
        }
        assertThat(budget.tryRetry()).isTrue();
    }
}
