package dev.gateway.chaos.docker;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Which image the Docker suite runs for one role (the nodes' base, HAProxy): the public image when the engine has
 * it or can pull it within the pull timeout, else the local one ({@code gateway-base:<release>} of
 * {@code docker/build-base-image.sh}, which needs no registry). So a host with Docker Hub (an Ubuntu laptop) runs
 * on {@code eclipse-temurin:17-jre} and {@code haproxy:2.8}, and an offline Debian host (CI here) on the local
 * base, with one failed pull attempt per image and test JVM. Stateless; says what it chose through {@code log}.
 */
final class ImageChoice {
    /** The engine's view of images: two of its calls. */
    interface Images {
        boolean present(String image);

        /** Pulls {@code image}; false when it failed or did not finish within {@code timeout}. */
        boolean pull(String image, Duration timeout);
    }

    private final Images images;
    private final Duration pullTimeout;
    private final boolean pulls;
    private final Consumer<String> log;

    /** @param pulls false to use only what the engine has ({@code -Dchaos.pull=false}) */
    ImageChoice(Images images, Duration pullTimeout, boolean pulls, Consumer<String> log) {
        this.images = images;
        this.pullTimeout = pullTimeout;
        this.pulls = pulls;
        this.log = log;
    }

    /** {@code publicImage} when it is here or could be pulled, else {@code localImage} (whether or not it is here). */
    String choose(String publicImage, String localImage) {
        if (images.present(publicImage)) {
            log.accept(publicImage + ": present");
            return publicImage;
        }
        if (pulls) {
            long t0 = System.nanoTime();
            boolean pulled = images.pull(publicImage, pullTimeout);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (pulled) {
                log.accept(publicImage + ": pulled in " + ms + " ms");
                return publicImage;
            }
            log.accept(publicImage + ": not here and not pulled (" + ms + " ms, timeout " + pullTimeout.toSeconds()
                    + " s): using " + localImage);
        } else {
            log.accept(publicImage + ": not here, pulls off (-Dchaos.pull=false): using " + localImage);
        }
        return localImage;
    }
}
