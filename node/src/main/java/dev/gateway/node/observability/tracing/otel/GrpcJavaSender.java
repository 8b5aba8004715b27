package dev.gateway.node.observability.tracing.otel;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The OTLP exporter's gRPC transport over a grpc-java channel (Netty, shaded): one unary call per export batch,
 * {@code TraceService/Export} with the message the exporter serialized, answered by the call's status. The
 * exporter's own sender for grpc-java ({@code opentelemetry-exporter-sender-grpc-managed-channel}) is not
 * available here, and its OkHttp sender is kept out of the node.
 *
 * <p>A collector that is down fails the call (UNAVAILABLE, or DEADLINE_EXCEEDED at the export timeout); the
 * exporter logs it and the batch is lost, as over HTTP. No retries. Thread-safe: calls share one channel.
 */
final class GrpcJavaSender implements GrpcSender {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final ManagedChannel channel;
    private final MethodDescriptor<byte[], byte[]> method;
    private final long timeoutNanos;
    private final Supplier<Map<String, List<String>>> headers;
    private final String compression;

    GrpcJavaSender(GrpcSenderConfig config) {
        URI endpoint = config.getEndpoint();
        boolean tls = "https".equals(endpoint.getScheme());
        int port = endpoint.getPort() != -1 ? endpoint.getPort() : tls ? 443 : 80;
        ChannelCredentials credentials = InsecureChannelCredentials.create();
        if (tls) {
            credentials = config.getTrustManager() == null ? TlsChannelCredentials.create()
                    : TlsChannelCredentials.newBuilder().trustManager(config.getTrustManager()).build();
        }
        var builder = Grpc.newChannelBuilderForAddress(endpoint.getHost(), port, credentials);
        if (config.getExecutorService() != null) {
            builder.executor(config.getExecutorService());
        }
        this.channel = builder.build();
        this.method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(config.getFullMethodName())
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        this.timeoutNanos = config.getTimeout().toNanos();
        this.headers = config.getHeadersSupplier();
        this.compression = config.getCompressor() == null ? null : config.getCompressor().getEncoding();
    }

    @Override
    public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        byte[] message;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, writer.getContentLength()));
            writer.writeMessage(out);
            message = out.toByteArray();
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
        if ("gzip".equals(compression)) {
            options = options.withCompression("gzip");
        }
        ClientCall<byte[], byte[]> call;
        try {
            call = channel.newCall(method, options);
            call.start(new ClientCall.Listener<>() {
                private byte[] answer = new byte[0];

                @Override
                public void onMessage(byte[] value) {
                    answer = value;
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    onResponse.accept(new Answer(GrpcStatusCode.fromValue(status.getCode().value()),
                            status.getDescription(), answer));
                }
            }, metadata());
            call.request(1);
            call.sendMessage(message);
            call.halfClose();
        } catch (RuntimeException e) {
            onError.accept(e);
        }
    }

    private Metadata metadata() {
        Metadata metadata = new Metadata();
        Map<String, List<String>> extra = headers == null ? null : headers.get();
        if (extra != null) {
            extra.forEach((name, values) -> {
                Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
                values.forEach(v -> metadata.put(key, v));
            });
        }
        return metadata;
    }

    @Override
    public CompletableResultCode shutdown() {
        channel.shutdown(); // calls in flight finish (each within its deadline)
        return CompletableResultCode.ofSuccess();
    }

    private record Answer(GrpcStatusCode status, String description, byte[] message) implements GrpcResponse {
        @Override
        public GrpcStatusCode getStatusCode() {
            return status;
        }

        @Override
        public String getStatusDescription() {
            return description;
        }

        @Override
        public byte[] getResponseMessage() {
            return message;
        }
    }
}
