package dev.gateway.chaos.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.chaos.support.ClientTopology;
import dev.gateway.chaos.support.GatewayProcess;
import dev.gateway.chaos.support.Http;
import dev.gateway.node.server.demo.DemoUpstream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client topology as processes: two dedicated members ({@code gateway-node member}, one backup) and three
 * client-mode gateway nodes share one global quota of 60 per day ({@code fail-closed}, so nothing is admitted on a
 * fallback). 20 requests across the three nodes; SIGKILL a gateway node (it held nothing); 20 across the other
 * two; SIGKILL a member (every bucket it owned lives on in its backup on the other); once the nodes see one
 * member, 40 more: exactly the 20 left pass. Requests are sent one at a time, none in flight at a kill, so the
 * count is exact.
 */
@Timeout(value = 180)
class ClientTopologyQuotaTest {
    private static final String TEST = "ClientTopologyQuotaTest";
    private static final int QUOTA = 60;

    private DemoUpstream upstream;
    private Http http;
    private ClientTopology topology;

    @AfterEach
    void stop() {
        if (topology != null) {
            topology.close();
        }
        if (http != null) {
            http.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void threeClientNodesOnTwoMembersEnforceOneQuotaThroughANodeKillAndAMemberKill() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "up");
        http = new Http();
        topology = ClientTopology.start(TEST, 2, 3, """
                upstreams:
                  up: {targets: [{url: http://127.0.0.1:%d}]}
                rate-limits:
                  quota: {limit: %d, per: 1d, key: global, on-cluster-failure: fail-closed}
                routes:
                  - {id: q, match: {path: /**}, upstream: up, rate-limits: [quota]}
                """.formatted(upstream.port(), QUOTA));
        topology.awaitReady(http, 2, Duration.ofSeconds(120));
        List<GatewayProcess> nodes = topology.nodes();
        assertThat(nodes.get(0).clusterView(http).get("topology").asText()).isEqualTo("client");
        assertThat(topology.members().get(0).ready(http).json().get("clients").asInt()).isEqualTo(3);

        int admitted = send(20, nodes);
        assertThat(admitted).isEqualTo(20);

        nodes.get(2).kill9();
        List<GatewayProcess> survivors = nodes.subList(0, 2);
        admitted += send(20, survivors);
        assertThat(admitted).as("a client node's death lost nothing").isEqualTo(40);

        topology.members().get(0).kill9();
        topology.awaitReady(http, 1, Duration.ofSeconds(60));
        int after = send(40, survivors);
        System.out.println(TEST + ": admitted " + admitted + " before the member kill, " + after + " after (quota " + QUOTA + ")");
        assertThat(after).as("the member's death reset nothing and lost nothing").isEqualTo(QUOTA - 40);
    }

    /**
     * Two members restarted one at a time (SIGTERM, each hands its partitions over, back and in sync before the next)
     * under two client nodes: the quota goes on where it was.
     */
    @Test
    void membersRestartedOneAtATimeLoseNothing() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "up");
        http = new Http();
        topology = ClientTopology.start(TEST + "-rolling", 2, 2, """
                upstreams:
                  up: {targets: [{url: http://127.0.0.1:%d}]}
                rate-limits:
                  quota: {limit: %d, per: 1d, key: global, on-cluster-failure: fail-closed}
                routes:
                  - {id: q, match: {path: /**}, upstream: up, rate-limits: [quota]}
                """.formatted(upstream.port(), QUOTA));
        topology.awaitReady(http, 2, Duration.ofSeconds(120));
        List<GatewayProcess> nodes = topology.nodes();
        int admitted = send(20, nodes);
        assertThat(admitted).isEqualTo(20);
        topology.restartMember(0, http, Duration.ofSeconds(90));
        admitted += send(10, nodes);
        topology.restartMember(1, http, Duration.ofSeconds(90));
        admitted += send(60, nodes);
        System.out.println(TEST + " rolling: admitted " + admitted + " of quota " + QUOTA);
        assertThat(admitted).as("no reset, nothing lost across the rolling restart").isEqualTo(QUOTA);
    }

    /** {@code count} requests one at a time, round-robin over {@code nodes}; how many were admitted. */
    private int send(int count, List<GatewayProcess> nodes) {
        int admitted = 0;
        for (int i = 0; i < count; i++) {
            Http.Reply reply = http.get(nodes.get(i % nodes.size()).proxyPort(), "/q");
            assertThat(reply.status()).as(reply.toString()).isIn(200, 429);
            admitted += reply.status() == 200 ? 1 : 0;
        }
        return admitted;
    }
}
