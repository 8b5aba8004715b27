package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.math.BigDecimal;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spans exported over OTLP to the collector at {@code otlp} ({@code http(s)://host:port}): with {@code protocol}
 * {@value #HTTP_PROTOBUF} (the default) posted as protobuf over HTTP, to {@code otlp}'s path or, without one, to
 * {@code /v1/traces} as the OTLP spec says for a base endpoint; with {@value #GRPC}, sent over gRPC (HTTP/2; https
 * for TLS) to the collector's {@code TraceService/Export} at {@code otlp}, whose path must then be empty.
 *
 * @param protocol    {@value #HTTP_PROTOBUF} or {@value #GRPC}, as OpenTelemetry's {@code OTEL_EXPORTER_OTLP_PROTOCOL}
 * @param sample      the fraction of new traces recorded, 0..1 (by trace id, so every node of a trace agrees)
 * @param parentBased true: a request whose {@code traceparent} says sampled (or not) follows its caller's decision,
 *                    and {@code sample} applies only to traces the gateway starts
 * @param resource    resource attributes of every span ({@code service.name} defaults to {@code gateway}); the
 *                    node name is always {@code service.instance.id} unless given here
 */
public record TraceExport(String otlp, String protocol, double sample, boolean parentBased, TraceBatch batch,
                          Map<String, String> resource) {
    public static final String DEFAULT_SERVICE_NAME = "gateway";
    public static final String HTTP_PROTOBUF = "http/protobuf";
    public static final String GRPC = "grpc";

    public TraceExport {
        Check.that(validEndpoint(otlp), "otlp", otlp, "an http:// or https:// URL with a host, e.g. http://127.0.0.1:4318");
        Check.that(HTTP_PROTOBUF.equals(protocol) || GRPC.equals(protocol), "protocol", protocol,
                HTTP_PROTOBUF + " or " + GRPC);
        Check.that(!GRPC.equals(protocol) || noPath(otlp), "otlp", otlp,
                "a URL without a path for protocol: grpc, e.g. http://127.0.0.1:4317");
        Check.that(sample >= 0 && sample <= 1, "sample", sample, "0 .. 1");
        Check.notNull(batch, "batch");
        Check.notNull(resource, "resource");
        for (Map.Entry<String, String> e : resource.entrySet()) {
            Check.that(e.getKey() != null && !e.getKey().isBlank(), "resource", e.getKey(), "attribute names, not blank");
            Check.that(e.getValue() != null, "resource", e.getKey() + ": null", "a string value");
        }
        Map<String, String> r = new LinkedHashMap<>();
        r.put("service.name", DEFAULT_SERVICE_NAME);
        r.putAll(resource);
        resource = java.util.Collections.unmodifiableMap(r);
    }

    /** Everything else at its default: sample 1.0, parent-based, default batch, {@code service.name: gateway}. */
    public static TraceExport to(String otlp) {
        return new TraceExport(otlp, HTTP_PROTOBUF, 1.0, true, TraceBatch.defaults(), Map.of());
    }

    /** Whether spans go over gRPC ({@code protocol: grpc}). */
    public boolean grpc() {
        return GRPC.equals(protocol);
    }

    /** The URL spans are posted to: {@code otlp}, with {@code /v1/traces} when it has no path. */
    public String tracesUrl() {
        String base = otlp.endsWith("/") ? otlp.substring(0, otlp.length() - 1) : otlp;
        String path = URI.create(base).getRawPath();
        return path == null || path.isEmpty() ? base + "/v1/traces" : base;
    }

    /** {@code sample} in config syntax: a decimal in 0..1 ({@code 0.1}, {@code 1}). */
    public static double parseSample(String text) {
        try {
            double v = Double.parseDouble(text == null ? "" : text.trim());
            if (v >= 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + text + "' is not a fraction (expected: 0 .. 1, e.g. 0.1)");
    }

    /** {@code sample} as written back: the shortest decimal ({@code 0.1}, {@code 1}). */
    public static String formatSample(double sample) {
        return BigDecimal.valueOf(sample).stripTrailingZeros().toPlainString();
    }

    private static boolean noPath(String url) {
        try {
            String path = new URI(url).getRawPath();
            return path == null || path.isEmpty() || path.equals("/");
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return true; // the otlp check reports it
        }
    }

    private static boolean validEndpoint(String url) {
        if (url == null) {
            return false;
        }
        try {
            URI u = new URI(url);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                    && u.getRawQuery() == null && u.getRawFragment() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
