package dev.gateway.node;

import dev.gateway.config.ConfigCodec;
import dev.gateway.config.ConfigException;
import dev.gateway.config.GatewayConfig;
import dev.gateway.config.feed.ConfigFeedUnavailableException;
import dev.gateway.node.sync.ConfigRejectedException;
import dev.gateway.node.sync.ConfigSync;
import dev.gateway.node.sync.PublishResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --watch}: checks the config file once a second and, when its bytes changed, publishes its shared part
 * as the cluster's next version. A file that does not parse or cannot run here is reported and not published;
 * changes to the {@code node:} and {@code cluster:} sections take a restart and are only warned about.
 * Polling rather than a WatchService: editors replace files by rename, and bind mounts miss inotify events.
 */
final class ConfigFileWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigFileWatch.class);
    private final Path file;
    private final ConfigSync sync;
    private final String nodeName;
    private final ScheduledExecutorService timer;
    private byte[] last;

    private ConfigFileWatch(Path file, ConfigSync sync, String nodeName, byte[] initial) {
        this.file = file;
        this.sync = sync;
        this.nodeName = nodeName;
        this.last = initial;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gateway-config-watch");
            t.setDaemon(true);
            return t;
        });
    }

    static ConfigFileWatch start(Path file, ConfigSync sync, String nodeName) {
        byte[] initial;
        try {
            initial = Files.readAllBytes(file);
        } catch (IOException e) {
            initial = new byte[0];
        }
        ConfigFileWatch watch = new ConfigFileWatch(file, sync, nodeName, initial);
        watch.timer.scheduleWithFixedDelay(watch::check, 1, 1, TimeUnit.SECONDS);
        log.info("config: watching {} for changes", file);
        return watch;
    }

    void check() {
        byte[] now;
        try {
            now = Files.readAllBytes(file);
        } catch (IOException e) {
            return; // mid-replace, or removed: keep the last version
        }
        if (Arrays.equals(now, last)) {
            return;
        }
        last = now;
        GatewayConfig parsed;
        try {
            parsed = ConfigCodec.parse(new String(now, java.nio.charset.StandardCharsets.UTF_8), System::getenv);
        } catch (ConfigException e) {
            log.error("config: {} changed but is invalid, not published: {}", file, e.errors());
            return;
        }
        try {
            PublishResult result = sync.publish(parsed.shared(), nodeName + " (file watch)");
            log.info("config: {} changed: {} {}", file, result.outcome().name().toLowerCase(), result.version().label());
        } catch (ConfigRejectedException e) {
            log.error("config: {} changed but cannot run, not published: {}", file, e.getMessage());
        } catch (ConfigFeedUnavailableException e) {
            log.error("config: {} changed but the cluster cannot take it now ({}); will retry", file, e.getMessage());
            last = null;
        } catch (RuntimeException e) {
            log.error("config: publishing {} failed", file, e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
