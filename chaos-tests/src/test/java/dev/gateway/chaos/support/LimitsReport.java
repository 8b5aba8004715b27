package dev.gateway.chaos.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The figures of the limit tests: each line printed on stdout and appended to
 * {@code target/limits-report.md} (created with a title when absent), so a run leaves one readable record.
 */
public final class LimitsReport {
    private LimitsReport() {
    }

    public static Path file() {
        return GatewayJar.moduleDir().resolve("target/limits-report.md");
    }

    public static synchronized void line(String test, String text) {
        String line = "- " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " **" + test + "** " + text;
        System.out.println("[limits-report] " + line);
        Path file = file();
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, "# Global rate limits: figures of the chaos tests\n\n", StandardOpenOption.CREATE_NEW);
            }
            Files.writeString(file, line + "\n", StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }
}
