package dev.gateway.cluster.summary;

import dev.gateway.cluster.ClientModeCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The contract on two client-mode nodes of two dedicated members (ports 5792-5793); entries live 3 s. */
class ClientModeNodeSummariesTest extends NodeSummariesContract {
    private static final Duration TTL = Duration.ofSeconds(3);
    private static ClientModeCluster cluster;

    @BeforeAll
    static void start() {
        cluster = ClientModeCluster.start("summaries-client", List.of(5792, 5793), 2, config -> { });
        new HazelcastNodeSummaries(cluster.client(0), TTL, Duration.ofSeconds(30)).all();
        new HazelcastNodeSummaries(cluster.client(1), TTL, Duration.ofSeconds(30)).all();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void empty() {
        cluster.client(0).getMap(SummaryMaps.SUMMARIES_MAP).clear();
    }

    @Override
    protected NodeSummaries store() {
        return new HazelcastNodeSummaries(cluster.client(0), TTL, Duration.ofSeconds(5));
    }

    @Override
    protected NodeSummaries otherNode() {
        return new HazelcastNodeSummaries(cluster.client(1), TTL, Duration.ofSeconds(5));
    }

    @Override
    protected void letTimeToLivePass() {
        // real time: the members expire by their own clock; the contract's await bounds the wait
    }
}
