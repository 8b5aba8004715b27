package dev.gateway.node.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The access log's queue is bounded in bytes, not only in entries: long paths cannot fill the heap. */
class AsyncAccessLogBoundTest {

    /** An output whose writes block until released, like a disk that stopped keeping up. */
    private static final class StuckOutput extends OutputStream {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            written.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                if (!release.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            synchronized (this) {
                written.write(b, off, len);
            }
        }

        synchronized String text() {
            return written.toString(StandardCharsets.UTF_8);
        }
    }

    private static AccessLogEntry entry(String path) {
        return new AccessLogEntry(0L, "rid", null, null, "127.0.0.1", "GET", path, "r", null, 200, 0, 1000, -1);
    }

    @Test
    void entriesPastTheByteBoundAreDroppedAndCounted() throws Exception {
        StuckOutput out = new StuckOutput();
        AsyncAccessLog log = AsyncAccessLog.to(out);
        try {
            log.maxQueueBytes(64 * 1024);
            log.record(entry("/first"));
            assertThat(out.entered.await(5, TimeUnit.SECONDS)).as("the writer is stuck writing the first line").isTrue();

            AccessLogEntry big = entry("/" + "p".repeat(8 * 1024));
            long perEntry = AsyncAccessLog.estimatedBytes(big);
            long fits = 64 * 1024 / perEntry;
            for (int i = 0; i < 100; i++) {
                log.record(big);
            }

            assertThat(log.dropped()).as("100 entries of %d bytes, %d fit in 64KiB", perEntry, fits)
                    .isEqualTo(100 - fits);
            out.release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> out.text().lines().count() == 1 + fits);
        } finally {
            out.release.countDown();
            log.close();
        }
    }

    @Test
    void theDefaultBoundIs16MiB() {
        assertThat(dev.gateway.config.AccessLogConfig.defaults().maxQueueBytes()).isEqualTo(16L * 1024 * 1024);
    }
}
