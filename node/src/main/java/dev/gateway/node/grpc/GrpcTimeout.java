package dev.gateway.node.grpc;

import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;

/**
 * A gRPC request's {@code grpc-timeout} (1 to 8 digits and a unit: {@code H M S m u n}) as its exchange's deadline,
 * when it is shorter than the route's: past it the gateway answers DEADLINE_EXCEEDED (504 mapped by
 * {@link GrpcRefusals}) and cuts the upstream call. A malformed value is ignored, as the upstream would see it too.
 * The upstream is sent what is left of the deadline ({@link #format}), not the client's value.
 */
public final class GrpcTimeout {
    private GrpcTimeout() {
    }

    /** Tightens the deadline of {@code request}'s exchange by its {@code grpc-timeout}, for a gRPC request. */
    public static void apply(GatewayRequest request) {
        if (!GrpcRefusals.isGrpc(request.headers().get("Content-Type"))) {
            return;
        }
        String value = request.headers().get("grpc-timeout");
        long nanos = nanos(value);
        if (nanos >= 0) {
            Exchange exchange = request.exchange();
            exchange.deadlineNanos(exchange.startNanos() + nanos, "grpc-timeout " + value.trim());
        }
    }

    /**
     * {@code nanos} (more than 0) in gRPC's syntax, in the finest unit whose amount fits in 8 digits; rounded down,
     * as grpc-java does, so that the upstream never waits past the gateway's deadline.
     */
    public static String format(long nanos) {
        long amount = nanos;
        for (char unit : UNITS) {
            if (amount < 100_000_000L) {
                return amount + String.valueOf(unit);
            }
            amount /= switch (unit) {
                case 'n', 'u', 'm' -> 1000;
                case 'S', 'M' -> 60;
                default -> 1;
            };
        }
        return "99999999H";
    }

    private static final char[] UNITS = {'n', 'u', 'm', 'S', 'M', 'H'};

    /** The timeout in nanoseconds, or -1 when {@code value} is absent or not of gRPC's syntax. */
    static long nanos(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.trim();
        int n = v.length();
        if (n < 2 || n > 9) {
            return -1;
        }
        long amount = 0;
        for (int i = 0; i < n - 1; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            amount = amount * 10 + (c - '0');
        }
        long unit = switch (v.charAt(n - 1)) {
            case 'H' -> 3_600_000_000_000L;
            case 'M' -> 60_000_000_000L;
            case 'S' -> 1_000_000_000L;
            case 'm' -> 1_000_000L;
            case 'u' -> 1_000L;
            case 'n' -> 1L;
            default -> -1;
        };
        if (unit < 0) {
            return -1;
        }
        return amount > Long.MAX_VALUE / unit ? Long.MAX_VALUE / 2 : amount * unit;
    }
}
