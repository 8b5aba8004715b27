package dev.gateway.node.resilience;

/** What retries, hedges and breakers did, for metrics: one call per event. */
public interface ResilienceEvents {
    void retried(String upstream);

    void hedged(String upstream);

    void budgetExhausted(String upstream);

    void shortCircuited(String upstream);

    ResilienceEvents NONE = new ResilienceEvents() {
        @Override
        public void retried(String upstream) {
        }

        @Override
        public void hedged(String upstream) {
        }

        @Override
        public void budgetExhausted(String upstream) {
        }

        @Override
        public void shortCircuited(String upstream) {
        }
    };
}
