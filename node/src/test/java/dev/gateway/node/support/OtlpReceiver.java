package dev.gateway.node.support;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OTLP/HTTP trace receiver on loopback ({@code POST /v1/traces}, protobuf), as a collector would be: decodes each
 * {@code ExportTraceServiceRequest} with the OpenTelemetry proto classes and keeps every span received.
 */
public final class OtlpReceiver implements AutoCloseable {
    /**
     * One span as received, ids in lowercase hex (parent "" for a root), attributes as strings, events by name
     * (their time, epoch nanoseconds; in the order they were recorded).
     */
    public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
                               long startNanos, long endNanos, Map<String, String> attributes,
                               Map<String, String> resource, String statusCode, Map<String, Long> events) {
        public String attr(String key) {
            return attributes.get(key);
        }
    }

    private static final String TRACE_SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService";
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
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    private volatile HttpServer server; // OTLP/HTTP, or
    private volatile Server grpc; // OTLP/gRPC
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final AtomicInteger exports = new AtomicInteger();

    private OtlpReceiver() {
    }

    /**
     * An OTLP/gRPC receiver instead ({@code TraceService/Export} on a grpc-java server, plaintext HTTP/2): for
     * {@code protocol: grpc}.
     */
    public static OtlpReceiver startGrpc() throws IOException {
        OtlpReceiver receiver = new OtlpReceiver();
        MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(TRACE_SERVICE, "Export"))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        ServerServiceDefinition service = ServerServiceDefinition.builder(TRACE_SERVICE)
                .addMethod(export, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> answer) -> {
                    try {
                        receiver.accept(ExportTraceServiceRequest.parseFrom(request));
                    } catch (IOException e) {
                        answer.onError(io.grpc.Status.INVALID_ARGUMENT.withCause(e).asException());
                        return;
                    }
                    answer.onNext(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
                    answer.onCompleted();
                }))
                .build();
        receiver.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(service).build().start();
        return receiver;
    }

    public static OtlpReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        OtlpReceiver receiver = new OtlpReceiver();
        receiver.server = server;
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                receiver.accept(ExportTraceServiceRequest.parseFrom(in.readAllBytes()));
                byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(ok);
                }
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "otlp-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return receiver;
    }

    /** {@code http://127.0.0.1:port}: the base endpoint, as {@code observability.tracing.export.otlp} takes it. */
    public String endpoint() {
        return "http://127.0.0.1:" + (grpc != null ? grpc.getPort() : server.getAddress().getPort());
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace. */
    public List<ReceivedSpan> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** Export requests received. */
    public int exports() {
        return exports.get();
    }

    private void accept(ExportTraceServiceRequest request) {
        exports.incrementAndGet();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Map<String, String> resource = attributes(rs.getResource());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    spans.add(new ReceivedSpan(hex(s.getTraceId()), hex(s.getSpanId()), hex(s.getParentSpanId()),
                            s.getName(), s.getKind().name().replace("SPAN_KIND_", ""), s.getStartTimeUnixNano(),
                            s.getEndTimeUnixNano(), attributes(s.getAttributesList()), resource,
                            s.getStatus().getCode().name().replace("STATUS_CODE_", ""), events(s)));
                }
            }
        }
    }

    private static Map<String, Long> events(Span s) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Span.Event e : s.getEventsList()) {
            out.put(e.getName(), e.getTimeUnixNano());
        }
        return out;
    }

    private static Map<String, String> attributes(Resource resource) {
        return attributes(resource.getAttributesList());
    }

    private static Map<String, String> attributes(List<KeyValue> list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (KeyValue kv : list) {
            out.put(kv.getKey(), text(kv.getValue()));
        }
        return out;
    }

    private static String text(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> Long.toString(v.getIntValue());
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
            default -> v.toString();
        };
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    /**
     * The trace as a text waterfall: one line per span, indented under its parent, with its start offset and
     * duration in milliseconds and a bar on a 40-column time axis.
     */
    public static String waterfall(List<ReceivedSpan> trace) {
        long t0 = trace.stream().mapToLong(ReceivedSpan::startNanos).min().orElse(0);
        long t1 = trace.stream().mapToLong(ReceivedSpan::endNanos).max().orElse(1);
        double scale = 40.0 / Math.max(1, t1 - t0);
        Map<String, List<ReceivedSpan>> children = new LinkedHashMap<>();
        List<ReceivedSpan> roots = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        trace.forEach(s -> ids.add(s.spanId()));
        for (ReceivedSpan s : trace.stream().sorted(java.util.Comparator.comparingLong(ReceivedSpan::startNanos)).toList()) {
            if (ids.contains(s.parentSpanId())) {
                children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
            } else {
                roots.add(s);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (ReceivedSpan root : roots) {
            draw(sb, root, 0, children, t0, scale);
        }
        return sb.toString();
    }

    private static void draw(StringBuilder sb, ReceivedSpan s, int depth, Map<String, List<ReceivedSpan>> children,
                             long t0, double scale) {
        int from = (int) Math.min(39, Math.round((s.startNanos() - t0) * scale));
        int width = (int) Math.max(1, Math.min(40 - from, Math.round((s.endNanos() - s.startNanos()) * scale)));
        String label = "  ".repeat(depth) + s.name() + " [" + s.kind().toLowerCase(java.util.Locale.ROOT) + "]";
        sb.append(String.format(java.util.Locale.ROOT, "%-40s %8.2f ms  +%7.2f ms  |%s%s%s|%n", label,
                (s.endNanos() - s.startNanos()) / 1e6, (s.startNanos() - t0) / 1e6,
                " ".repeat(from), "#".repeat(width), " ".repeat(40 - from - width)));
        for (ReceivedSpan c : children.getOrDefault(s.spanId(), List.of())) {
            draw(sb, c, depth + 1, children, t0, scale);
        }
    }

    @Override
    public void close() {
        if (grpc != null) {
            grpc.shutdownNow();
        } else {
            server.stop(0);
        }
    }
}
