package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** Access log: {@code json} (one line per request) or {@code off}; to {@code file}, or stdout when null. */
public record AccessLogConfig(String format, String file) {
    public AccessLogConfig {
        Check.that("json".equals(format) || "off".equals(format), "format", format, "json or off");
        Check.that(file == null || !file.isBlank(), "file", file, "a file path");
    }

    public static AccessLogConfig defaults() {
        return new AccessLogConfig("json", null);
    }
}
