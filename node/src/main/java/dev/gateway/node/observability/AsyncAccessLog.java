package dev.gateway.node.observability;

import dev.gateway.config.AccessLogConfig;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: request threads add an entry to a lock-free queue and return; one
 * background thread wakes every {@link #WAKE_MILLIS} ms, formats what is queued as JSON lines
 * and writes them in large batches. When the queue holds {@link #CAPACITY} entries, or entries
 * whose lines would take more than {@code maxQueueBytes} (estimated by {@link #estimatedBytes};
 * the disk or stdout cannot keep up), new entries are dropped and counted, so a slow disk never
 * slows traffic nor fills the heap, whatever the size of the requests' paths. Lines reach the
 * file within about {@link #FLUSH_MILLIS} ms.
 */
public final class AsyncAccessLog implements AccessLog {
    private static final Logger log = LoggerFactory.getLogger(AsyncAccessLog.class);
    static final int CAPACITY = 65_536;
    static final long WAKE_MILLIS = 5;
    static final long FLUSH_MILLIS = 100;
    private static final int BUFFER_BYTES = 1 << 16;
    /** The JSON field names, punctuation and numbers of one line, roughly. */
    static final int LINE_OVERHEAD = 192;

    private final ConcurrentLinkedQueue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile long maxQueueBytes = AccessLogConfig.DEFAULT_MAX_QUEUE_BYTES;
    private final AtomicLong dropped = new AtomicLong();
    private final OutputStream out;
    private final Thread writer;
    private volatile boolean closing;

    /** Writes to {@code out}; for tests. */
    static AsyncAccessLog to(OutputStream out) {
        return new AsyncAccessLog(out);
    }

    private AsyncAccessLog(OutputStream out) {
        this.out = out;
        this.writer = new Thread(this::run, "gateway-access-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Writes to the process's standard output, bypassing {@code System.out}'s locking and encoding. */
    public static AsyncAccessLog toStdout() {
        return new AsyncAccessLog(new FileOutputStream(FileDescriptor.out));
    }

    public static AsyncAccessLog toFile(Path file) throws IOException {
        return new AsyncAccessLog(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /** The bound on the estimated bytes of queued lines ({@code observability.access-log.max-queue-bytes}); any thread. */
    public void maxQueueBytes(long bytes) {
        this.maxQueueBytes = bytes;
    }

    @Override
    public void record(AccessLogEntry entry) {
        if (queued.incrementAndGet() > CAPACITY) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        long bytes = estimatedBytes(entry);
        if (queuedBytes.addAndGet(bytes) > maxQueueBytes) {
            queuedBytes.addAndGet(-bytes);
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        queue.offer(entry);
    }

    /**
     * What an entry's line is counted for in the queue's byte bound: its strings' lengths plus a fixed part for the
     * field names and numbers. Cheap (no formatting) and the same when the entry is queued and when it leaves.
     */
    static long estimatedBytes(AccessLogEntry e) {
        return LINE_OVERHEAD + length(e.requestId()) + length(e.traceId()) + length(e.spanId()) + length(e.clientIp()) + length(e.method())
                + length(e.path()) + length(e.routeId()) + length(e.upstreamTarget());
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Entries dropped because the queue was full (in entries or in bytes). */
    public long dropped() {
        return dropped.get();
    }

    private void run() {
        StringBuilder text = new StringBuilder(BUFFER_BYTES);
        JsonLines lines = new JsonLines();
        long lastFlush = System.nanoTime();
        try {
            while (true) {
                boolean stopping = closing;
                AccessLogEntry e;
                while ((e = queue.poll()) != null) {
                    queued.decrementAndGet();
                    queuedBytes.addAndGet(-estimatedBytes(e));
                    lines.append(text, e);
                    if (text.length() >= BUFFER_BYTES) {
                        write(text);
                    }
                }
                long now = System.nanoTime();
                if (text.length() > 0 && (stopping || now - lastFlush >= TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS))) {
                    write(text);
                    out.flush();
                    lastFlush = now;
                }
                if (stopping) {
                    out.flush();
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WAKE_MILLIS));
            }
        } catch (IOException ex) {
            log.error("access log stopped: cannot write ({})", ex.getMessage());
        }
    }

    private void write(StringBuilder text) throws IOException {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        text.setLength(0);
    }

    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
