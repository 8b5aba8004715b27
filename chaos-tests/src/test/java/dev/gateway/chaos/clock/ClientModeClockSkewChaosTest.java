package dev.gateway.chaos.clock;

import dev.gateway.chaos.support.Topology;

/**
 * {@link ClockSkewChaosTest} in the client topology: three client-mode nodes and three dedicated members, each trio on
 * the host's clock, 30 s ahead and 30 s behind. The members decide on the cluster's time; the client nodes, which have
 * no cluster clock of their own, measure the members' and read breaker views and call deadlines on it.
 */
class ClientModeClockSkewChaosTest extends ClockSkewChaosTest {
    @Override
    Topology.Mode mode() {
        return Topology.Mode.CLIENT;
    }
}
