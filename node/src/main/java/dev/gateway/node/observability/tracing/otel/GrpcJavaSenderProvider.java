package dev.gateway.node.observability.tracing.otel;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/**
 * Gives the OTLP gRPC exporter ({@code protocol: grpc}) its transport, a {@link GrpcJavaSender}: found by the SDK
 * through {@code META-INF/services/io.opentelemetry.sdk.common.export.GrpcSenderProvider}, the only one on the
 * node's class path.
 */
public final class GrpcJavaSenderProvider implements GrpcSenderProvider {
    @Override
    public GrpcSender createSender(GrpcSenderConfig config) {
        return new GrpcJavaSender(config);
    }
}
