package dev.gateway.cluster.cache;

import java.util.List;
import java.util.Objects;

/**
 * A cached response: status, header fields (name, value pairs in order), the whole body, when it was stored (the
 * storing node's wall clock) and the {@code Age} it already had then. A {@code varyOn} list instead marks an entry
 * that only says which further request headers the responses of this URL vary on; its body is empty.
 */
public record StoredResponse(int status, List<String> headers, byte[] body, long storedAtMillis, long ageAtStoreSeconds,
                             List<String> varyOn) {
    public StoredResponse {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(varyOn, "varyOn");
        if (headers.size() % 2 != 0) {
            throw new IllegalArgumentException("headers: " + headers.size() + " strings (expected: name, value pairs)");
        }
        headers = List.copyOf(headers);
        varyOn = List.copyOf(varyOn);
    }

    /** A marker: responses of this URL vary on {@code headers}, stored under keys that include their values. */
    public static StoredResponse varyMarker(List<String> headers, long storedAtMillis) {
        return new StoredResponse(200, List.of(), new byte[0], storedAtMillis, 0, headers);
    }

    public boolean isVaryMarker() {
        return !varyOn.isEmpty();
    }

    /** Bytes the entry takes, roughly: for size bounds. */
    public int weight() {
        int w = 64 + body.length;
        for (String h : headers) {
            w += 16 + h.length();
        }
        for (String v : varyOn) {
            w += 16 + v.length();
        }
        return w;
    }
}
