package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;
import java.util.Map;

/** Changes to the upstream's response before it goes back: remove headers, then set headers. */
public record ResponseTransform(Map<String, String> setHeaders, List<String> removeHeaders) {
    public ResponseTransform {
        setHeaders = Check.map(setHeaders, "setHeaders");
        setHeaders.forEach((k, v) -> {
            Check.token(k, "setHeaders");
            Check.headerValue(v, "setHeaders");
        });
        removeHeaders = Check.list(removeHeaders, "removeHeaders");
        removeHeaders.forEach(h -> Check.token(h, "removeHeaders"));
    }

    public static ResponseTransform none() {
        return new ResponseTransform(Map.of(), List.of());
    }

    public boolean isEmpty() {
        return setHeaders.isEmpty() && removeHeaders.isEmpty();
    }
}
