package dev.gateway.cluster.summary;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;

/** The contract on one process's memory, its clock moved by hand. */
class LocalNodeSummariesTest extends NodeSummariesContract {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private LocalNodeSummaries store;

    @BeforeEach
    void fresh() {
        store = new LocalNodeSummaries(Duration.ofSeconds(5), now::get);
    }

    @Override
    protected NodeSummaries store() {
        return store;
    }

    @Override
    protected NodeSummaries otherNode() {
        return store;
    }

    @Override
    protected void letTimeToLivePass() {
        now.addAndGet(5_000);
    }
}
