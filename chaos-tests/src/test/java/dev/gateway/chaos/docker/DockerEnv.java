package dev.gateway.chaos.docker;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.gateway.chaos.support.GatewayJar;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * What the Docker chaos suite needs from the machine, checked once per test JVM: a Docker engine
 * ({@code DOCKER_HOST}, e.g. the private one of {@code docker/start-dockerd.sh}), the base image
 * ({@code -Dchaos.baseImage}, default {@code gateway-base:<this machine's Debian release>}, as
 * {@code docker/build-base-image.sh} tags it, e.g. {@code gateway-base:bookworm}: it
 * has a Java 17 JRE and HAProxy, so nothing is pulled) and the node's fat jar. Without one of them a test is
 * skipped with the reason, or fails when {@code -Dchaos.required=true} (CI).
 *
 * <p>The node image is built here, once per test JVM, from {@code docker/Dockerfile} with
 * {@code BASE_IMAGE=<base image>} and tagged {@code gateway-node-chaos:latest}: the build context is only the
 * Dockerfile, its two scripts and {@code node/target/gateway-node.jar} (which the reactor's {@code node} module
 * has packaged before this module's tests run), so {@code mvn verify} alone builds everything the suite runs.
 */
final class DockerEnv {
    static final String BASE_IMAGE = System.getProperty("chaos.baseImage", "gateway-base:" + debianRelease());
    static final String NODE_IMAGE_TAG = "gateway-node-chaos:latest";

    private static String problem;
    private static boolean checked;
    private static ImageFromDockerfile nodeImage;

    private DockerEnv() {
    }

    /** As docker/build-base-image.sh tags its image: this machine's Debian release, else bookworm. */
    private static String debianRelease() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("VERSION_CODENAME=")) {
                    String name = line.substring("VERSION_CODENAME=".length()).replace("\"", "").trim();
                    if (name.matches("[a-z]+")) {
                        return name;
                    }
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Debian, or unreadable: the default below
        }
        return "bookworm";
    }

    /** Skips (or, with {@code chaos.required}, fails) the calling test when the suite cannot run here. */
    static synchronized void assumeReady() {
        if (!checked) {
            problem = findProblem();
            checked = true;
        }
        if (problem != null) {
            if (Boolean.getBoolean("chaos.required")) {
                fail(problem + " (and -Dchaos.required=true: the Docker chaos suite must run)");
            }
            Assumptions.abort("Docker chaos suite skipped: " + problem);
        }
    }

    private static String findProblem() {
        try {
            GatewayJar.path();
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        String host = System.getenv("DOCKER_HOST");
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return "no Docker engine answers (DOCKER_HOST=" + host + "; start one with: eval \"$(sudo docker/start-dockerd.sh)\")";
        }
        try {
            client().inspectImageCmd(BASE_IMAGE).exec();
        } catch (NotFoundException e) {
            return "the base image " + BASE_IMAGE + " is missing (build it with: sudo docker/build-base-image.sh, or name"
                    + " another with -Dchaos.baseImage=...; nothing is pulled)";
        }
        return null;
    }

    static DockerClient client() {
        return DockerClientFactory.instance().client();
    }

    private static String imageId(String tag) {
        try {
            return client().inspectImageCmd(tag).exec().getId();
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** The repository's root (this module's parent). */
    static Path repoRoot() {
        return GatewayJar.moduleDir().getParent();
    }

    /** The node image, built on first use in this JVM (later tests reuse it). */
    static synchronized ImageFromDockerfile nodeImage() {
        if (nodeImage == null) {
            Path root = repoRoot();
            Path jar = GatewayJar.path();
            for (String f : new String[] {"docker/Dockerfile", "docker/entrypoint.sh", "docker/healthcheck.sh"}) {
                if (!Files.isRegularFile(root.resolve(f))) {
                    throw new IllegalStateException("missing " + root.resolve(f));
                }
            }
            // docker/Dockerfile as the context's default Dockerfile: its COPY paths are relative to the context root
            nodeImage = new ImageFromDockerfile(NODE_IMAGE_TAG, false)
                    .withFileFromPath("Dockerfile", root.resolve("docker/Dockerfile"))
                    .withFileFromPath("docker/entrypoint.sh", root.resolve("docker/entrypoint.sh"))
                    .withFileFromPath("docker/healthcheck.sh", root.resolve("docker/healthcheck.sh"))
                    .withFileFromPath("node/target/gateway-node.jar", jar)
                    .withBuildArg("BASE_IMAGE", BASE_IMAGE);
            String previous = imageId(NODE_IMAGE_TAG);
            long t0 = System.nanoTime();
            nodeImage.get(); // build now, so that the first scenario's timings do not include it
            String current = imageId(NODE_IMAGE_TAG);
            System.out.printf("[chaos-docker] built %s (%s) from docker/Dockerfile on %s in %d ms%n", NODE_IMAGE_TAG,
                    current, BASE_IMAGE, (System.nanoTime() - t0) / 1_000_000);
            if (previous != null && !previous.equals(current)) {
                try { // the build of an earlier run, now untagged: not left to pile up
                    client().removeImageCmd(previous).exec();
                } catch (RuntimeException e) {
                    // still in use, or already gone
                }
            }
        }
        return nodeImage;
    }
}
