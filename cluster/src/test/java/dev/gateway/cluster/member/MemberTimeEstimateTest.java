package dev.gateway.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.limiter.ManualTicker;
import org.junit.jupiter.api.Test;

/** A client node's estimate of the members' time, with its own clock 30 s behind and a 40 ms round trip. */
class MemberTimeEstimateTest {
    private final ManualTicker local = new ManualTicker();

    @Test
    void takesTheMidpointOfTheRoundTrip() {
        MemberTimeEstimate estimate = new MemberTimeEstimate(local);
        long membersNow = local.epochMillis() + 30_000;
        assertThat(estimate.epochMillis()).as("before any measurement: the node's own clock").isEqualTo(local.epochMillis());
        boolean measured = estimate.measure(() -> {
            local.advanceMillis(20); // the request's way there
            long theirs = membersNow + 20;
            local.advanceMillis(20); // the answer's way back
            return theirs;
        });
        assertThat(measured).isTrue();
        assertThat(estimate.offsetMillis()).isEqualTo(30_000);
        assertThat(estimate.epochMillis()).isEqualTo(local.epochMillis() + 30_000);
    }

    @Test
    void aFailedMeasurementKeepsTheLastOffset() {
        MemberTimeEstimate estimate = new MemberTimeEstimate(local);
        estimate.measure(() -> local.epochMillis() + 5_000);
        assertThat(estimate.measure(() -> {
            throw new IllegalStateException("no member");
        })).isFalse();
        assertThat(estimate.offsetMillis()).isEqualTo(5_000);
    }
}
