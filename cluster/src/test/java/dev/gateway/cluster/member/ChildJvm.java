package dev.gateway.cluster.member;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JVM running a {@code main} of the test classpath, optionally behind a command prefix (e.g.
 * {@code ip netns exec <ns>}). Its stdout is read line by line; its stderr (logs) goes to a file that failure
 * messages quote. Closing it closes its stdin, which the mains here take as "exit now", then kills it if needed.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader stdout;
    private final Path stderr;

    private ChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stderr = stderr;
    }

    static ChildJvm start(List<String> prefix, List<String> jvmOptions, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        // surefire runs tests from a manifest-only jar; it also passes the real test classpath
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            Path stderr = Files.createTempFile("child-jvm-", ".log");
            Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            return new ChildJvm(process, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** The next stdout line that starts with {@code prefix}; fails after {@code timeout} or at end of output. */
    String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String next = stdout.readLine(); next != null; next = stdout.readLine()) {
                    if (next.startsWith(prefix)) {
                        return next;
                    }
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String found = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (found == null) {
                throw new AssertionError("child exited (" + exitCode() + ") without printing '" + prefix + "'\n" + log());
            }
            return found;
        } catch (TimeoutException e) {
            throw new AssertionError("no '" + prefix + "' from child within " + timeout + "\n" + log());
        } catch (ExecutionException e) {
            throw new AssertionError("reading child output failed\n" + log(), e.getCause());
        }
    }

    String log() {
        try {
            List<String> lines = Files.readAllLines(stderr);
            return "--- child stderr (last 40 lines) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(child stderr unreadable: " + e + ")";
        }
    }

    private String exitCode() {
        return process.isAlive() ? "running" : Integer.toString(process.exitValue());
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(stderr);
        } catch (IOException e) {
            // a temp file
        }
    }
}
