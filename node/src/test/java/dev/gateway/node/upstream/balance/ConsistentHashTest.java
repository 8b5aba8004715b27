package dev.gateway.node.upstream.balance;

import static dev.gateway.node.upstream.balance.Fixtures.counts;
import static dev.gateway.node.upstream.balance.Fixtures.ip;
import static dev.gateway.node.upstream.balance.Fixtures.request;
import static dev.gateway.node.upstream.balance.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hash ring on a header: affinity, even spread with virtual nodes, and minimal movement on changes. */
class ConsistentHashTest {
    private static final String HEADER = "X-User";
    private static final int KEYS = 10_000;

    @Test
    void aKeyAlwaysReachesTheSameTargetWhateverTheClientAddress() {
        ConsistentHash ring = new ConsistentHash(Fixtures.targets(4), HEADER);

        for (int k = 0; k < 200; k++) {
            UpstreamTarget first = ring.pick(keyed(k));
            for (int client = 0; client < 10; client++) {
                assertThat(ring.pick(request(ip(client), HEADER, "user-" + k))).isSameAs(first);
            }
        }
    }

    @Test
    void theHeaderNameIsCaseInsensitive() {
        ConsistentHash ring = new ConsistentHash(Fixtures.targets(4), HEADER);

        for (int k = 0; k < 200; k++) {
            assertThat(ring.pick(request(ip(1), "x-user", "user-" + k))).isSameAs(ring.pick(keyed(k)));
        }
    }

    @Test
    void keysSpreadEvenlyOverEqualTargets() {
        List<UpstreamTarget> targets = Fixtures.targets(4);

        Map<UpstreamTarget, Long> counts = counts(new ConsistentHash(targets, HEADER), KEYS, ConsistentHashTest::keyed);

        for (UpstreamTarget t : targets) {
            assertThat(counts.get(t)).as("%s", t).isBetween(2_000L, 3_000L); // 2500 +- 20%
        }
    }

    @Test
    void keysSpreadByWeight() {
        UpstreamTarget heavy = target(1, 3);
        UpstreamTarget light = target(2, 1);

        Map<UpstreamTarget, Long> counts = counts(new ConsistentHash(List.of(heavy, light), HEADER), KEYS,
                ConsistentHashTest::keyed);

        assertThat(counts.get(heavy)).isBetween(7_000L, 8_000L); // equal weights would give 5000
        assertThat(counts.get(light)).isBetween(2_000L, 3_000L);
    }

    @Test
    void addingAFifthTargetMovesAboutAFifthOfTheKeysAllToTheNewTarget() {
        List<UpstreamTarget> four = Fixtures.targets(4);
        List<UpstreamTarget> five = new ArrayList<>(four);
        UpstreamTarget added = target(5, 1);
        five.add(added);
        ConsistentHash before = new ConsistentHash(four, HEADER);
        ConsistentHash after = new ConsistentHash(five, HEADER);

        int moved = 0;
        for (int k = 0; k < KEYS; k++) {
            UpstreamTarget was = before.pick(keyed(k));
            UpstreamTarget now = after.pick(keyed(k));
            if (was != now) {
                moved++;
                assertThat(now).as("key %d moved from %s", k, was).isSameAs(added);
            }
        }
        assertThat(moved / (double) KEYS).isBetween(0.12, 0.28);
    }

    @Test
    void removingATargetMovesOnlyItsKeysSpreadingThemOverTheRest() {
        List<UpstreamTarget> five = Fixtures.targets(5);
        UpstreamTarget removed = five.get(2);
        List<UpstreamTarget> four = new ArrayList<>(five);
        four.remove(removed);
        ConsistentHash before = new ConsistentHash(five, HEADER);
        ConsistentHash after = new ConsistentHash(four, HEADER);

        int orphans = 0;
        List<UpstreamTarget> heirs = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            UpstreamTarget was = before.pick(keyed(k));
            UpstreamTarget now = after.pick(keyed(k));
            if (was == removed) {
                orphans++;
                heirs.add(now);
            } else {
                assertThat(now).as("key %d", k).isSameAs(was);
            }
        }
        assertThat(orphans / (double) KEYS).isBetween(0.12, 0.28);
        for (UpstreamTarget t : four) {
            assertThat(Collections.frequency(heirs, t)).as("keys inherited by %s", t).isGreaterThan(orphans / 10);
        }
    }

    @Test
    void theRingDoesNotDependOnTheOrderOfTheTargets() {
        List<UpstreamTarget> targets = Fixtures.targets(5);
        List<UpstreamTarget> reversed = new ArrayList<>(targets);
        Collections.reverse(reversed);
        ConsistentHash here = new ConsistentHash(targets, HEADER);
        ConsistentHash there = new ConsistentHash(reversed, HEADER);

        for (int k = 0; k < KEYS; k++) {
            assertThat(there.pick(keyed(k))).isEqualTo(here.pick(keyed(k)));
        }
    }

    @Test
    void withoutTheHeaderTheClientAddressIsTheKey() {
        ConsistentHash ring = new ConsistentHash(Fixtures.targets(4), HEADER);

        for (int i = 0; i < 500; i++) {
            GatewayRequest noHeader = request(ip(i));
            GatewayRequest headerHoldingThatAddress = request("192.0.2.1", HEADER, ip(i));
            assertThat(ring.pick(noHeader)).isSameAs(ring.pick(headerHoldingThatAddress));
        }
    }

    @Test
    void anEmptyHeaderCountsAsMissing() {
        ConsistentHash ring = new ConsistentHash(Fixtures.targets(4), HEADER);

        for (int i = 0; i < 500; i++) {
            assertThat(ring.pick(request(ip(i), HEADER, ""))).isSameAs(ring.pick(request(ip(i))));
        }
    }

    @Test
    void requestsWithoutTheHeaderStillSpreadByAddress() {
        List<UpstreamTarget> targets = Fixtures.targets(4);

        Map<UpstreamTarget, Long> counts = counts(new ConsistentHash(targets, HEADER), KEYS, i -> request(ip(i)));

        for (UpstreamTarget t : targets) {
            assertThat(counts.get(t)).as("%s", t).isBetween(2_000L, 3_000L);
        }
    }

    @Test
    void hugeWeightsAreScaledDownKeepingTheirRatio() {
        UpstreamTarget heavy = target(1, 300_000);
        UpstreamTarget light = target(2, 100_000);

        Map<UpstreamTarget, Long> counts = counts(new ConsistentHash(List.of(heavy, light), HEADER), KEYS,
                ConsistentHashTest::keyed);

        assertThat(counts.get(heavy)).isBetween(7_000L, 8_000L);
    }

    @Test
    void noTargetsIsRejected() {
        assertThatThrownBy(() -> new ConsistentHash(List.of(), HEADER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets");
    }

    private static GatewayRequest keyed(int k) {
        return request("192.0.2.1", HEADER, "user-" + k);
    }
}
