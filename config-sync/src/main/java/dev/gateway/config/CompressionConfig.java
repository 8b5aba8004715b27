package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/** Response compression (gzip, br when offered) for these media types ({@code text/*} wildcards) from {@code minBytes}. */
public record CompressionConfig(List<String> types, int minBytes) {
    public static final int DEFAULT_MIN_BYTES = 1024;

    public CompressionConfig {
        types = Check.list(types, "types");
        Check.that(!types.isEmpty(), "types", "[]", "at least one media type such as application/json");
        for (String t : types) {
            Check.that(t.matches("[A-Za-z0-9!#$&^_.+-]+/([A-Za-z0-9!#$&^_.+-]+|\\*)"), "types", t,
                    "a media type such as application/json or text/*");
        }
        Check.atLeast(minBytes, 0, "minBytes");
    }
}
