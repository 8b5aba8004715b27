package dev.gateway.node.grpc;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's own refusals of a gRPC request, in gRPC's form: HTTP 200 in the trailers-only form (one header block
 * ending the stream) with {@code grpc-status} and a percent-encoded {@code grpc-message}. The status follows gRPC's
 * HTTP-to-gRPC mapping (doc/http-grpc-status-mapping.md), with the gateway's own meanings where they are surer:
 * 429 (a rate limit) is RESOURCE_EXHAUSTED and 504 (a deadline) DEADLINE_EXCEEDED. Responses of the upstream pass
 * as they are.
 */
public final class GrpcRefusals {
    public static final int UNKNOWN = 2;
    public static final int DEADLINE_EXCEEDED = 4;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    private GrpcRefusals() {
    }

    /** True for {@code application/grpc} and its {@code +proto}, {@code +json}, ... and parameterized forms. */
    public static boolean isGrpc(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.trim();
        if (!t.regionMatches(true, 0, "application/grpc", 0, 16)) {
            return false;
        }
        if (t.length() == 16) {
            return true;
        }
        char next = t.charAt(16);
        return next == '+' || next == ';' || next == ' ';
    }

    /** The gRPC status code of an HTTP status the gateway answers with. */
    public static int statusOf(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> INTERNAL;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> UNIMPLEMENTED;
            case 429 -> RESOURCE_EXHAUSTED;
            case 502, 503 -> UNAVAILABLE;
            case 504 -> DEADLINE_EXCEEDED;
            default -> UNKNOWN;
        };
    }

    /**
     * {@code response} in gRPC's form when it is one the gateway made itself ({@link ErrorResponses}); else
     * {@code response} unchanged. The request id header is kept; {@code Retry-After} and the rate-limit headers too.
     */
    public static GatewayResponse adapt(GatewayResponse response) {
        String message = ErrorResponses.messageOf(response);
        if (message == null) {
            return response;
        }
        response.body().discard();
        Headers headers = response.headers().copy();
        headers.remove("Content-Type");
        headers.remove("Content-Length");
        headers.remove("Connection"); // an HTTP/2 stream never carries it; the refusal is a complete answer
        headers.set("Content-Type", "application/grpc");
        headers.set("grpc-status", Integer.toString(statusOf(response.status())));
        headers.set("grpc-message", percentEncoded(message + " (HTTP " + response.status() + ")"));
        return new GatewayResponse(200, headers, Body.empty());
    }

    /** gRPC's percent-encoding of {@code grpc-message}: UTF-8, every byte outside printable ASCII and {@code %} as %XX. */
    static String percentEncoded(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
