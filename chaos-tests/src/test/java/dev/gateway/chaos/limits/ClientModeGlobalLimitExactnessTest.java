package dev.gateway.chaos.limits;

import dev.gateway.chaos.support.Topology;

/**
 * {@link GlobalLimitExactnessTest} in the client topology: three client-mode gateway nodes on three dedicated members
 * ({@code gateway-node member}) admit exactly each global limit and each tenant's limit.
 */
class ClientModeGlobalLimitExactnessTest extends GlobalLimitExactnessTest {
    @Override
    Topology.Mode mode() {
        return Topology.Mode.CLIENT;
    }
}
