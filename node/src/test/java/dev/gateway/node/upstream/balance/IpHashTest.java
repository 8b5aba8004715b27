package dev.gateway.node.upstream.balance;

import static dev.gateway.node.upstream.balance.Fixtures.counts;
import static dev.gateway.node.upstream.balance.Fixtures.ip;
import static dev.gateway.node.upstream.balance.Fixtures.request;
import static dev.gateway.node.upstream.balance.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.node.upstream.UpstreamTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Client-address affinity: stable per address and per node, spread by weight. */
class IpHashTest {
    private static final int ADDRESSES = 1_000;

    @Test
    void anAddressAlwaysReachesTheSameTarget() {
        IpHash balancer = new IpHash(Fixtures.targets(4));

        for (int i = 0; i < 200; i++) {
            UpstreamTarget first = balancer.pick(request(ip(i)));
            for (int repeat = 0; repeat < 20; repeat++) {
                assertThat(balancer.pick(request(ip(i)))).as("%s", ip(i)).isSameAs(first);
            }
        }
    }

    @Test
    void anotherNodeWithTheSameTargetsMapsEveryAddressTheSameWay() {
        IpHash here = new IpHash(Fixtures.targets(4));
        IpHash there = new IpHash(Fixtures.targets(4));

        for (int i = 0; i < ADDRESSES; i++) {
            assertThat(there.pick(request(ip(i)))).isEqualTo(here.pick(request(ip(i))));
        }
    }

    @Test
    void distinctAddressesSpreadEvenlyOverEqualTargets() {
        List<UpstreamTarget> targets = Fixtures.targets(4);

        Map<UpstreamTarget, Long> counts = counts(new IpHash(targets), ADDRESSES, i -> request(ip(i)));

        for (UpstreamTarget t : targets) {
            assertThat(counts.get(t)).as("%s", t).isBetween(188L, 312L); // 250 +- 25%
        }
    }

    @Test
    void addressesSpreadByWeight() {
        UpstreamTarget heavy = target(1, 3);
        UpstreamTarget light = target(2, 1);

        Map<UpstreamTarget, Long> counts = counts(new IpHash(List.of(heavy, light)), ADDRESSES, i -> request(ip(i)));

        assertThat(counts.get(heavy)).isBetween(700L, 800L); // 750 +- 6.7%; equal weights would give 500
        assertThat(counts.get(light)).isBetween(188L, 312L); // 250 +- 25%
    }

    @Test
    void ipv6AddressesSpreadToo() {
        List<UpstreamTarget> targets = Fixtures.targets(4);

        Map<UpstreamTarget, Long> counts = counts(new IpHash(targets), ADDRESSES,
                i -> request("2001:db8::" + Integer.toHexString(i)));

        for (UpstreamTarget t : targets) {
            assertThat(counts.get(t)).as("%s", t).isBetween(188L, 312L);
        }
    }

    @Test
    void headersDoNotMatter() {
        IpHash balancer = new IpHash(Fixtures.targets(4));

        for (int i = 0; i < 100; i++) {
            assertThat(balancer.pick(request(ip(7), "X-User", "u" + i))).isSameAs(balancer.pick(request(ip(7))));
        }
    }

    @Test
    void aRequestWithoutAClientAddressStillGetsATarget() {
        IpHash balancer = new IpHash(Fixtures.targets(3));

        assertThat(balancer.pick(request(null))).isSameAs(balancer.pick(request(null))).isNotNull();
    }

    @Test
    void noTargetsIsRejected() {
        assertThatThrownBy(() -> new IpHash(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets");
    }
}
