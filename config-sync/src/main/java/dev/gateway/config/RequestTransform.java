package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;
import java.util.Map;

/**
 * Changes to the request before forwarding: remove headers, then set headers; {@code correlationId} names a
 * header that is generated when absent, passed upstream and returned to the client.
 */
public record RequestTransform(Map<String, String> setHeaders, List<String> removeHeaders, String correlationId) {
    public RequestTransform {
        setHeaders = Check.map(setHeaders, "setHeaders");
        setHeaders.forEach((k, v) -> {
            Check.token(k, "setHeaders");
            Check.headerValue(v, "setHeaders");
        });
        removeHeaders = Check.list(removeHeaders, "removeHeaders");
        removeHeaders.forEach(h -> Check.token(h, "removeHeaders"));
        if (correlationId != null) {
            Check.token(correlationId, "correlationId");
        }
    }

    public static RequestTransform none() {
        return new RequestTransform(Map.of(), List.of(), null);
    }

    public boolean isEmpty() {
        return setHeaders.isEmpty() && removeHeaders.isEmpty() && correlationId == null;
    }
}
