package dev.gateway.node.upstream.balance;

import static dev.gateway.node.upstream.balance.Fixtures.counts;
import static dev.gateway.node.upstream.balance.Fixtures.request;
import static dev.gateway.node.upstream.balance.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.config.Balancing;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.Balancer;
import dev.gateway.node.upstream.UpstreamTarget;
import dev.gateway.node.upstream.WeightedRoundRobin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalancersTest {
    private static final GatewayRequest ANY = request("10.0.0.1");
    private final List<UpstreamTarget> targets = Fixtures.targets(3);

    @ParameterizedTest
    @CsvSource({
            "round-robin, WeightedRoundRobin",
            "least-connections, LeastConnections",
            "ip-hash, IpHash",
            "consistent-hash:header:X-User, ConsistentHash",
            "random, RandomBalancer"})
    void eachKindHasItsBalancer(String config, String simpleName) {
        Balancer balancer = Balancers.of(Balancing.parse(config), targets, new InFlight(targets));

        assertThat(balancer.getClass().getSimpleName()).isEqualTo(simpleName);
        UpstreamTarget picked = balancer.pick(ANY);
        assertThat(targets).anySatisfy(t -> assertThat(picked).isSameAs(t));
    }

    @Test
    void everyKindIsCovered() {
        for (Balancing.Kind kind : Balancing.Kind.values()) {
            Balancing config = new Balancing(kind, kind == Balancing.Kind.CONSISTENT_HASH ? "X-User" : null);
            assertThat(Balancers.of(config, targets, new InFlight(targets))).as("%s", kind).isNotNull();
        }
    }

    @Test
    void roundRobinHonoursWeightsExactly() {
        UpstreamTarget heavy = target(1, 3);
        UpstreamTarget light = target(2, 1);

        Balancer balancer = Balancers.of(Balancing.ROUND_ROBIN, List.of(heavy, light), null);
        Map<UpstreamTarget, Long> counts = counts(balancer, 40_000, i -> ANY);

        assertThat(balancer).isInstanceOf(WeightedRoundRobin.class);
        assertThat(counts).containsEntry(heavy, 30_000L).containsEntry(light, 10_000L);
    }

    @Test
    void consistentHashUsesTheConfiguredHeader() {
        Balancer balancer = Balancers.of(Balancing.parse("consistent-hash:header:X-Tenant"), Fixtures.targets(8), null);

        for (int i = 0; i < 50; i++) {
            UpstreamTarget first = balancer.pick(request(Fixtures.ip(i), "X-Tenant", "acme"));
            assertThat(balancer.pick(request(Fixtures.ip(i + 1000), "X-Tenant", "acme"))).isSameAs(first);
        }
    }

    @Test
    void onlyLeastConnectionsNeedsInFlight() {
        for (String config : List.of("round-robin", "ip-hash", "consistent-hash:header:X-User", "random")) {
            assertThat(Balancers.of(Balancing.parse(config), targets, null)).as(config).isNotNull();
        }
        assertThatThrownBy(() -> Balancers.of(Balancing.parse("least-connections"), targets, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("inFlight");
    }

    @Test
    void noTargetsIsRejectedForEveryKind() {
        for (Balancing.Kind kind : Balancing.Kind.values()) {
            if (kind == Balancing.Kind.LEAST_CONNECTIONS) {
                continue; // its InFlight cannot be built without targets: see the assertion below
            }
            Balancing config = new Balancing(kind, kind == Balancing.Kind.CONSISTENT_HASH ? "X-User" : null);
            assertThatThrownBy(() -> Balancers.of(config, List.of(), null)).as("%s", kind)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets");
        }
        assertThatThrownBy(() -> new InFlight(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets");
    }
}
