package dev.gateway.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrpcTimeoutTest {
    @Test
    void formatsInTheFinestUnitThatFitsEightDigitsRoundingDown() {
        assertThat(GrpcTimeout.format(1)).isEqualTo("1n");
        assertThat(GrpcTimeout.format(99_999_999)).isEqualTo("99999999n");
        assertThat(GrpcTimeout.format(100_000_000)).isEqualTo("100000u");
        assertThat(GrpcTimeout.format(TimeUnit.SECONDS.toNanos(2) - 1)).isEqualTo("1999999u");
        assertThat(GrpcTimeout.format(TimeUnit.HOURS.toNanos(30))).isEqualTo("108000S");
        assertThat(GrpcTimeout.format(Long.MAX_VALUE / 2)).hasSizeLessThanOrEqualTo(9);
        assertThat(GrpcTimeout.format(Long.MAX_VALUE)).isEqualTo("2562047H");
    }

    @Test
    void whatItFormatsParsesBackToNoMore() {
        for (long n : new long[] {1, 999, 123_456_789, 5_000_000_000L, TimeUnit.DAYS.toNanos(400)}) {
            long back = GrpcTimeout.nanos(GrpcTimeout.format(n));
            assertThat(back).isLessThanOrEqualTo(n).isGreaterThan(n - n / 1000 - 1000);
        }
    }
}
