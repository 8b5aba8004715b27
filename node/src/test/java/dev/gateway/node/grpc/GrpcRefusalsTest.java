package dev.gateway.node.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HTTP-to-gRPC status table, the trailers-only form, grpc-message's encoding and grpc-timeout's syntax. */
class GrpcRefusalsTest {

    @Test
    void statusesMapAsGrpcsHttpMappingSaysWithTheGatewaysOwnMeanings() {
        assertThat(GrpcRefusals.statusOf(400)).isEqualTo(13);
        assertThat(GrpcRefusals.statusOf(401)).isEqualTo(16);
        assertThat(GrpcRefusals.statusOf(403)).isEqualTo(7);
        assertThat(GrpcRefusals.statusOf(404)).isEqualTo(12);
        assertThat(GrpcRefusals.statusOf(429)).isEqualTo(8);
        assertThat(GrpcRefusals.statusOf(502)).isEqualTo(14);
        assertThat(GrpcRefusals.statusOf(503)).isEqualTo(14);
        assertThat(GrpcRefusals.statusOf(504)).isEqualTo(4);
        assertThat(GrpcRefusals.statusOf(413)).isEqualTo(2);
    }

    @Test
    void aGatewayRefusalBecomesTrailersOnlyAndAnUpstreamAnswerPasses() {
        GatewayResponse refused = ErrorResponses.of(429, "rate limit 'x' exceeded: 100%", "id-1",
                new Headers(1).add("Retry-After", "3"));
        GatewayResponse grpc = GrpcRefusals.adapt(refused);

        assertThat(grpc.status()).isEqualTo(200);
        assertThat(grpc.body().length()).isZero();
        assertThat(grpc.headers().get("Content-Type")).isEqualTo("application/grpc");
        assertThat(grpc.headers().get("grpc-status")).isEqualTo("8");
        assertThat(grpc.headers().get("grpc-message")).isEqualTo("rate limit 'x' exceeded: 100%25 (HTTP 429)");
        assertThat(grpc.headers().get("Retry-After")).isEqualTo("3");
        assertThat(grpc.headers().get("X-Request-Id")).isEqualTo("id-1");

        GatewayResponse upstream = new GatewayResponse(503, new Headers(1).add("Content-Type", "application/json"),
                Body.of("{}"));
        assertThat(GrpcRefusals.adapt(upstream)).isSameAs(upstream);
    }

    @Test
    void grpcMessageIsPercentEncodedUtf8() {
        assertThat(GrpcRefusals.percentEncoded("ok ünï\n")).isEqualTo("ok %C3%BCn%C3%AF%0A");
    }

    @Test
    void contentTypesOfGrpc() {
        assertThat(GrpcRefusals.isGrpc("application/grpc")).isTrue();
        assertThat(GrpcRefusals.isGrpc("application/grpc+proto")).isTrue();
        assertThat(GrpcRefusals.isGrpc("Application/GRPC; charset=x")).isTrue();
        assertThat(GrpcRefusals.isGrpc("application/grpc-web")).isFalse();
        assertThat(GrpcRefusals.isGrpc("application/json")).isFalse();
        assertThat(GrpcRefusals.isGrpc(null)).isFalse();
    }

    @Test
    void grpcTimeoutSyntax() {
        assertThat(GrpcTimeout.nanos("300m")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(GrpcTimeout.nanos("2S")).isEqualTo(TimeUnit.SECONDS.toNanos(2));
        assertThat(GrpcTimeout.nanos("1H")).isEqualTo(TimeUnit.HOURS.toNanos(1));
        assertThat(GrpcTimeout.nanos("5M")).isEqualTo(TimeUnit.MINUTES.toNanos(5));
        assertThat(GrpcTimeout.nanos("7u")).isEqualTo(7_000);
        assertThat(GrpcTimeout.nanos("99999999n")).isEqualTo(99_999_999);
        assertThat(GrpcTimeout.nanos("123456789m")).as("9 digits").isEqualTo(-1);
        assertThat(GrpcTimeout.nanos("10x")).isEqualTo(-1);
        assertThat(GrpcTimeout.nanos("m")).isEqualTo(-1);
        assertThat(GrpcTimeout.nanos(null)).isEqualTo(-1);
    }
}
