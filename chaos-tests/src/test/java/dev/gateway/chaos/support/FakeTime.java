package dev.gateway.chaos.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * libfaketime (Debian package {@code faketime}) for a node process: the environment that runs a JVM with its
 * wall clock moved by a fixed offset ({@code LD_PRELOAD} of the library, {@code FAKETIME=+30s}), as on a badly
 * synchronized host. libfaketime moves the monotonic clock by the same offset, which changes no duration the JVM
 * measures. Do not set {@code FAKETIME_DONT_FAKE_MONOTONIC=1}: with libfaketime 0.9.10 the JVM's timed waits
 * (park, wait with a timeout) then return at once, and a node spins on both cores (measured: 8 s of CPU for
 * 0.5 s of sleeps).
 */
public final class FakeTime {
    private static final List<String> LIBRARIES = List.of(
            "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
            "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
            "/usr/lib/faketime/libfaketime.so.1");

    private FakeTime() {
    }

    /**
     * The environment of a process whose wall clock runs {@code offsetSeconds} off (negative: behind). Skips the
     * calling test when libfaketime is not installed, or fails it under {@code -Dchaos.required=true} (CI).
     */
    public static Map<String, String> skewed(long offsetSeconds) {
        Path library = LIBRARIES.stream().map(Path::of).filter(Files::isReadable).findFirst().orElse(null);
        if (library == null) {
            String problem = "libfaketime not found (" + String.join(", ", LIBRARIES)
                    + "): install the Debian package faketime";
            if (Boolean.getBoolean("chaos.required")) {
                fail(problem + " (and -Dchaos.required=true: the clock-skew chaos test must run)");
            }
            Assumptions.abort("clock-skew chaos test skipped: " + problem);
        }
        return Map.of(
                "LD_PRELOAD", library.toString(),
                "FAKETIME", (offsetSeconds >= 0 ? "+" : "-") + Math.abs(offsetSeconds) + "s");
    }
}
