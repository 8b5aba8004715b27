package dev.gateway.node.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code curl} command line, for what a JDK client cannot do (HTTP/2 with prior knowledge). Skips a test when
 * curl is missing or built without HTTP/2, unless {@code -Dchaos.required=true} (then it fails).
 */
public final class Curl {
    private Curl() {
    }

    /** What curl printed: with {@code -w}, the write-out after the body. */
    public record Result(int exit, String out, String err) {
    }

    /** Skips (or fails under chaos.required) unless {@code curl -V} lists the HTTP2 feature. */
    public static void requireHttp2() {
        String message;
        try {
            Result v = run("-V");
            if (v.exit() == 0 && v.out().contains("HTTP2")) {
                return;
            }
            message = "curl has no HTTP2 feature (curl -V: " + v.out().lines().findFirst().orElse("") + ")";
        } catch (IOException e) {
            message = "curl is not on the PATH (apt-get install curl): " + e.getMessage();
        }
        if (Boolean.getBoolean("chaos.required")) {
            fail(message + ", and -Dchaos.required=true");
        }
        Assumptions.abort(message);
    }

    /** Runs {@code curl args...} with a 20 s limit. */
    public static Result run(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("curl did not finish within 20 s: " + command);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
