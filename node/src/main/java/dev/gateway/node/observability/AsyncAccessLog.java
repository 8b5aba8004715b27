package dev.gateway.node.observability;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: request threads hand entries to a bounded queue and return; one background
 * thread formats them as JSON lines and writes them. When the queue is full (the disk or
 * stdout cannot keep up) entries are dropped and counted, so a slow disk never slows traffic.
 */
public final class AsyncAccessLog implements AccessLog {
    private static final Logger log = LoggerFactory.getLogger(AsyncAccessLog.class);
    private static final int CAPACITY = 65_536;
    private static final int BATCH = 512;

    private final BlockingQueue<AccessLogEntry> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final Thread writer;
    private volatile boolean closing;

    private AsyncAccessLog(Writer out) {
        this.out = out;
        this.writer = new Thread(this::run, "gateway-access-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    public static AsyncAccessLog toStdout() {
        return new AsyncAccessLog(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
    }

    public static AsyncAccessLog toFile(Path file) throws IOException {
        return new AsyncAccessLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    @Override
    public void record(AccessLogEntry entry) {
        if (!queue.offer(entry)) {
            dropped.incrementAndGet();
        }
    }

    /** Entries dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        List<AccessLogEntry> batch = new ArrayList<>(BATCH);
        try {
            while (!closing || !queue.isEmpty()) {
                AccessLogEntry first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                for (AccessLogEntry e : batch) {
                    out.write(e.toJson());
                    out.write('\n');
                }
                batch.clear();
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.error("access log stopped: cannot write ({})", e.getMessage());
        }
    }

    @Override
    public void close() {
        closing = true;
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
