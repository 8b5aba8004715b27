package dev.gateway.chaos.docker;

import dev.gateway.chaos.support.GatewayJar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The previous release's node jar, for the rolling upgrade: built once from the release's source archive
 * ({@code releases/gateway-<version>-src.tar.gz}, a {@code git archive} of its tag, see {@code releases/README.md})
 * into {@code chaos-tests/target/previous-release/} with this checkout's Maven wrapper; the unpacked source is removed
 * once its jar is copied out. An archive and not the
 * tag itself: a clone made with {@code --depth 1} has no tag to build from.
 */
final class PreviousRelease {
    /** Longer than a cold build of four modules on two cores with an empty local repository would take. */
    static final long BUILD_MINUTES = 15;

    private PreviousRelease() {
    }

    /** The version named in {@code releases/PREVIOUS}. */
    static String version() {
        Path file = root().resolve("releases/PREVIOUS");
        try {
            String v = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!v.matches("[0-9]+\\.[0-9]+\\.[0-9]+")) {
                throw new IllegalStateException(file + " names no release version: '" + v + "'");
            }
            return v;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
    }

    /** The jar, built now when an earlier run has not left it. */
    static Path jar() {
        String version = version();
        Path archive = root().resolve("releases/gateway-" + version + "-src.tar.gz");
        Path dir = GatewayJar.moduleDir().resolve("target/previous-release");
        Path src = dir.resolve("gateway-" + version);
        Path jar = dir.resolve("gateway-node-" + version + ".jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the previous release's source archive is missing: " + archive);
        }
        try {
            Files.createDirectories(dir);
            run(dir, dir.resolve("unpack.log"), 2, "tar", "-xzf", archive.toString(), "-C", dir.toString());
            long t0 = System.nanoTime();
            // no tests (they ran when it was released): its test jars are not built, and nothing needs them
            run(src, dir.resolve("build.log"), BUILD_MINUTES, root().resolve("mvnw").toString(), "-B", "-q",
                    "-pl", "node", "-am", "package", "-Dmaven.test.skip=true");
            System.out.printf("[chaos-docker] built the previous release %s's jar in %d s%n", version,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
            Path built = src.resolve("node/target/gateway-node.jar");
            if (!Files.isRegularFile(built)) {
                throw new IllegalStateException("the build of the previous release left no " + built);
            }
            Files.copy(built, jar);
            deleteTree(src); // the jar is all that is needed: no second source tree left in the module
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the previous release " + version + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted building the previous release " + version, e);
        }
        return jar;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void run(Path dir, Path log, long minutes, String... command) throws IOException,
            InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not end within " + minutes
                    + " min (see " + log + ")");
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    private static Path root() {
        return GatewayJar.moduleDir().getParent();
    }
}
