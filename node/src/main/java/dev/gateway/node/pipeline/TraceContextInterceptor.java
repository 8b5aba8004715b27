package dev.gateway.node.pipeline;

import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.observability.tracing.RequestTrace;
import dev.gateway.node.observability.tracing.Tracer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace context: continues the client's trace when its {@code traceparent} is valid (same
 * trace id and flags, {@code tracestate} passed on), else starts a new one (and drops any
 * {@code tracestate}, as the spec asks). Either way the upstream hop gets a new span id whose
 * parent is the client's span. The trace id and that span id go to the access log.
 *
 * <p>With a {@link Tracer} ({@code observability.tracing.export}) the same rules hold, but the ids come from the
 * request's server span, which this link starts (the SDK's sampler decides the flags), and each upstream attempt
 * later replaces {@code traceparent} with its own client span.
 */
public final class TraceContextInterceptor implements Interceptor {
    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    private final Tracer tracer;

    /** Propagation only: no spans recorded. */
    public TraceContextInterceptor() {
        this(Tracer.OFF);
    }

    /**
     * @param tracer with {@code observability.tracing.export}: each request gets a server span, continuing the
     *               client's valid {@code traceparent}; the upstream hop's parent is then that span (an upstream
     *               attempt replaces it with its own client span)
     */
    public TraceContextInterceptor(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        Headers headers = request.headers().copy();
        String incoming = headers.get(TRACEPARENT);
        boolean continued = valid(incoming);
        if (tracer != Tracer.OFF) {
            Exchange exchange = request.exchange();
            RequestTrace trace = tracer.start(request.method(), chain.route().id(), exchange.clientAddress(),
                    continued ? incoming : null, exchange.startNanos());
            if (!continued) {
                headers.remove(TRACESTATE);
            }
            headers.set(TRACEPARENT, trace.traceparent());
            exchange.trace(trace);
            exchange.traceId(trace.traceId());
            exchange.spanId(trace.spanId());
            return chain.proceed(request.withHeaders(headers));
        }
        String traceId;
        String flags;
        if (continued) {
            traceId = incoming.substring(3, 35);
            flags = incoming.substring(53, 55);
        } else {
            traceId = randomHex(2);
            flags = "01";
            headers.remove(TRACESTATE);
        }
        String spanId = randomHex(1);
        headers.set(TRACEPARENT, "00-" + traceId + "-" + spanId + "-" + flags);
        request.exchange().traceId(traceId);
        request.exchange().spanId(spanId);
        return chain.proceed(request.withHeaders(headers));
    }

    /** Version 00 form: {@code 00-<32 hex, not all 0>-<16 hex, not all 0>-<2 hex>}; later versions by their 00 prefix. */
    static boolean valid(String tp) {
        if (tp == null || tp.length() < 55) {
            return false;
        }
        String version = tp.substring(0, 2);
        if (!isLowerHex(version, 0, 2) || version.equals("ff") || tp.charAt(2) != '-'
                || tp.charAt(35) != '-' || tp.charAt(52) != '-') {
            return false;
        }
        if (version.equals("00") && tp.length() != 55) {
            return false;
        }
        if (tp.length() > 55 && tp.charAt(55) != '-') {
            return false;
        }
        return isLowerHex(tp, 3, 35) && isLowerHex(tp, 36, 52) && isLowerHex(tp, 53, 55)
                && !allZero(tp, 3, 35) && !allZero(tp, 36, 52);
    }

    private static boolean isLowerHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** {@code longs} random non-zero 64-bit values as hex (16 digits each). */
    static String randomHex(int longs) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] out = new char[16 * longs];
        for (int i = 0; i < longs; i++) {
            long v;
            do {
                v = r.nextLong();
            } while (v == 0);
            for (int d = 15; d >= 0; d--) {
                out[i * 16 + d] = HEX[(int) (v & 0xf)];
                v >>>= 4;
            }
        }
        return new String(out);
    }

    @Override
    public String toString() {
        return "trace context";
    }
}
