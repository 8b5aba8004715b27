package dev.gateway.chaos.docker;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.gateway.chaos.support.GatewayJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * What the Docker chaos suite needs from the machine, checked once per test JVM: a Docker engine
 * ({@code DOCKER_HOST}, e.g. the private one of {@code docker/start-dockerd.sh}), its images and the node's fat
 * jar. Without one of them a test is skipped with the reason, or fails when {@code -Dchaos.required=true} (CI).
 *
 * <p>Images ({@link ImageChoice}): the nodes' base is {@code eclipse-temurin:17-jre} and HAProxy's image
 * {@code haproxy:2.8} when the engine has them or pulls them within {@value #PULL_SECONDS} s; else both are the
 * local {@code gateway-base:<this machine's Debian release>} that {@code docker/build-base-image.sh} debootstraps
 * without a registry (it has a Java 17 JRE and HAProxy). {@code -Dchaos.baseImage=...} names the nodes' base (and
 * HAProxy's fallback) outright, {@code -Dchaos.haproxyImage=...} HAProxy's, {@code -Dchaos.pull=false} tries no pull.
 *
 * <p>The node image is built here, once per test JVM, from {@code docker/Dockerfile} with
 * {@code BASE_IMAGE=<base image>} and tagged {@code gateway-node-chaos:latest}: the build context is only the
 * Dockerfile, its two scripts and {@code node/target/gateway-node.jar} (which the reactor's {@code node} module
 * has packaged before this module's tests run), so {@code mvn verify} alone builds everything the suite runs. On a
 * base other than {@code gateway-base} the build installs the tools the faults run in a node (iptables, iproute2,
 * procps: {@code EXTRA_PACKAGES}) with the base's apt-get.
 */
final class DockerEnv {
    static final String LOCAL_BASE = "gateway-base:" + debianRelease();
    static final String PUBLIC_JRE = "eclipse-temurin:17-jre";
    static final String PUBLIC_HAPROXY = "haproxy:2.8";
    static final String NODE_IMAGE_TAG = "gateway-node-chaos:latest";
    static final long PULL_SECONDS = 20;
    /** Installed on a base that is not gateway-base: the faults run iptables (and ip, ps) in the nodes. */
    static final String FAULT_TOOLS = "iptables iproute2 procps";

    private static String problem;
    private static String baseImage;
    private static String haproxyImage;
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
        ImageChoice choice = new ImageChoice(new EngineImages(client()), Duration.ofSeconds(PULL_SECONDS),
                !"false".equals(System.getProperty("chaos.pull")), m -> System.out.println("[chaos-docker] " + m));
        String explicitBase = System.getProperty("chaos.baseImage");
        baseImage = explicitBase != null ? explicitBase : choice.choose(PUBLIC_JRE, LOCAL_BASE);
        String explicitHaproxy = System.getProperty("chaos.haproxyImage");
        haproxyImage = explicitHaproxy != null ? explicitHaproxy
                : choice.choose(PUBLIC_HAPROXY, explicitBase != null ? explicitBase : LOCAL_BASE);
        for (String image : new String[] {baseImage, haproxyImage}) {
            if (imageId(image) == null) {
                return "the image " + image + " is missing (" + PUBLIC_JRE + " and " + PUBLIC_HAPROXY + " could not be"
                        + " pulled; build the local base with: sudo docker/build-base-image.sh, or name images with"
                        + " -Dchaos.baseImage=... and -Dchaos.haproxyImage=...)";
            }
        }
        System.out.println("[chaos-docker] nodes on " + baseImage + ", HAProxy on " + haproxyImage);
        return null;
    }

    /** HAProxy's image (after {@link #assumeReady}). */
    static synchronized String haproxyImage() {
        return haproxyImage;
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
                    .withBuildArg("BASE_IMAGE", baseImage);
            if (!baseImage.startsWith("gateway-base:")) {
                nodeImage.withBuildArg("EXTRA_PACKAGES", FAULT_TOOLS);
            }
            String previous = imageId(NODE_IMAGE_TAG);
            long t0 = System.nanoTime();
            nodeImage.get(); // build now, so that the first scenario's timings do not include it
            String current = imageId(NODE_IMAGE_TAG);
            System.out.printf("[chaos-docker] built %s (%s) from docker/Dockerfile on %s in %d ms%n", NODE_IMAGE_TAG,
                    current, baseImage, (System.nanoTime() - t0) / 1_000_000);
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
