package dev.gateway.chaos.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@link ImageChoice.Images} on a Docker engine: image inspect, and a pull that gives up after its timeout. */
final class EngineImages implements ImageChoice.Images {
    private final DockerClient docker;

    EngineImages(DockerClient docker) {
        this.docker = docker;
    }

    @Override
    public boolean present(String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    @Override
    public boolean pull(String image, Duration timeout) {
        PullImageResultCallback callback = new PullImageResultCallback();
        try {
            docker.pullImageCmd(image).exec(callback);
            if (!callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false; // no registry answers in time (a blackholed network)
            }
            return present(image); // awaitCompletion returns true after an error too
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            return false; // no registry, unknown image, refused
        } finally {
            try {
                callback.close();
            } catch (IOException e) {
                // nothing to release
            }
        }
    }
}
