package dev.gateway.config;

import dev.gateway.config.internal.Check;

/**
 * Access log: {@code json} (one line per request) or {@code off}; to {@code file}, or stdout when null. Lines not
 * yet written wait in a queue of at most {@code maxQueueBytes} (estimated); past that new lines are dropped and
 * counted, so a slow disk never holds back traffic nor fills the heap.
 */
public record AccessLogConfig(String format, String file, long maxQueueBytes) {
    public static final long DEFAULT_MAX_QUEUE_BYTES = 16L << 20;

    public AccessLogConfig {
        Check.that("json".equals(format) || "off".equals(format), "format", format, "json or off");
        Check.that(file == null || !file.isBlank(), "file", file, "a file path");
        Check.that(maxQueueBytes >= 1024, "maxQueueBytes", maxQueueBytes, ">= 1KiB");
    }

    /** With the default queue bound (16MiB). */
    public AccessLogConfig(String format, String file) {
        this(format, file, DEFAULT_MAX_QUEUE_BYTES);
    }

    public static AccessLogConfig defaults() {
        return new AccessLogConfig("json", null, DEFAULT_MAX_QUEUE_BYTES);
    }
}
