package dev.gateway.node.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The streaming gzip body against the {@link Body} contract: output, back-pressure, re-entrancy, failures. */
class GzipBodyTest {
    private final ExecutorService threads = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aBodyInMemoryRoundTrips() throws IOException {
        byte[] json = "{\"hello\":\"world\",\"n\":[1,2,3]}".repeat(200).getBytes(StandardCharsets.UTF_8);
        RecordingSink sink = new RecordingSink(false);

        GzipBody gzip = new GzipBody(Body.of(json));
        gzip.subscribe(sink);

        assertThat(gzip.length()).isEqualTo(-1);
        assertThat(sink.finished).isTrue();
        byte[] compressed = sink.bytes();
        assertThat(compressed).startsWith(0x1f, 0x8b, 8);
        assertThat(compressed.length).isLessThan(json.length / 10);
        assertThat(gunzip(compressed)).isEqualTo(json);
    }

    @Test
    void manyChunksEmptyOnesAndAnEmptyLastChunkRoundTrip() throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] chunk = new byte[i % 7 == 0 ? 0 : random.nextInt(40_000)];
            if (i % 2 == 0) {
                random.nextBytes(chunk); // incompressible: output larger than one output buffer
            } else {
                java.util.Arrays.fill(chunk, (byte) ('a' + i % 26));
            }
            chunks.add(chunk);
        }
        chunks.add(new byte[0]);
        ChunkedSource source = new ChunkedSource(chunks);
        RecordingSink sink = new RecordingSink(false);

        new GzipBody(source).subscribe(sink);

        assertThat(sink.finished).isTrue();
        assertThat(gunzip(sink.bytes())).isEqualTo(source.all());
    }

    @Test
    void aPausedSinkHoldsTheSourceBackToOneChunk() throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        Random random = new Random(11);
        for (int i = 0; i < 50; i++) {
            byte[] chunk = new byte[64 * 1024];
            random.nextBytes(chunk);
            chunks.add(chunk);
        }
        ChunkedSource source = new ChunkedSource(chunks);
        RecordingSink sink = new RecordingSink(true);
        GzipBody gzip = new GzipBody(source);

        gzip.subscribe(sink);
        while (!sink.finished) {
            assertThat(source.delivered.get()).as("chunks taken from the source vs. outputs the sink accepted")
                    .isLessThanOrEqualTo(sink.chunks.size() + 1);
            gzip.resume();
        }

        assertThat(sink.chunks.size()).as("64 KB of random bytes is several outputs").isGreaterThan(chunks.size() * 3);
        assertThat(gunzip(sink.bytes())).isEqualTo(source.all());
    }

    @Test
    void aSinkThatResumesFromInsideOnDataDoesNotRecurse() throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            chunks.add(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        ChunkedSource source = new ChunkedSource(chunks);
        GzipBody gzip = new GzipBody(source);
        RecordingSink sink = new RecordingSink(false) {
            @Override
            public boolean onData(ByteBuffer chunk, boolean last) {
                super.onData(chunk, last);
                gzip.resume();
                return false;
            }
        };

        gzip.subscribe(sink);

        assertThat(sink.finished).isTrue();
        assertThat(gunzip(sink.bytes())).isEqualTo(source.all());
    }

    @Test
    void sourceAndSinkOnOtherThreadsRoundTrip() throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 400; i++) {
            byte[] chunk = new byte[random.nextInt(20_000)];
            random.nextBytes(chunk);
            if (i % 3 == 0) {
                java.util.Arrays.fill(chunk, (byte) 'x');
            }
            chunks.add(chunk);
        }
        ChunkedSource source = new ChunkedSource(chunks, threads);
        GzipBody gzip = new GzipBody(source);
        RecordingSink sink = new RecordingSink(true) {
            @Override
            public boolean onData(ByteBuffer chunk, boolean last) {
                super.onData(chunk, last);
                if (!last) {
                    threads.execute(gzip::resume);
                }
                return false;
            }
        };

        gzip.subscribe(sink);

        await().atMost(Duration.ofSeconds(20)).until(() -> sink.finished || sink.error != null);
        assertThat(sink.error).isNull();
        assertThat(gunzip(sink.bytes())).isEqualTo(source.all());
    }

    @Test
    void aSourceFailureReachesTheSinkOnce() {
        ChunkedSource source = new ChunkedSource(List.of(new byte[100], new byte[100], new byte[100]));
        source.failAfter = 2;
        RecordingSink sink = new RecordingSink(false);

        new GzipBody(source).subscribe(sink);

        assertThat(sink.error).hasMessage("upstream broke");
        assertThat(sink.errors.get()).isEqualTo(1);
        assertThat(sink.finished).isFalse();
    }

    @Test
    void discardReleasesTheSourceBeforeOrDuringTheBody() {
        ChunkedSource unsubscribed = new ChunkedSource(List.of(new byte[10]));
        new GzipBody(unsubscribed).discard();
        assertThat(unsubscribed.discarded).isTrue();

        ChunkedSource source = new ChunkedSource(List.of(new byte[100], new byte[100], new byte[100]));
        RecordingSink sink = new RecordingSink(true);
        GzipBody gzip = new GzipBody(source);
        gzip.subscribe(sink);
        int received = sink.chunks.size();

        gzip.discard();
        gzip.resume();

        assertThat(source.discarded).isTrue();
        assertThat(sink.chunks).hasSize(received);
        assertThat(sink.finished).isFalse();
        assertThat(sink.error).isNull();
    }

    static byte[] gunzip(byte[] compressed) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    /** Records what it is given; with {@code pause}, asks to pause after every chunk. */
    static class RecordingSink implements BodySink {
        final List<byte[]> chunks = new ArrayList<>();
        final AtomicInteger errors = new AtomicInteger();
        private final boolean pause;
        volatile boolean finished;
        volatile Throwable error;

        RecordingSink(boolean pause) {
            this.pause = pause;
        }

        @Override
        public synchronized boolean onData(ByteBuffer chunk, boolean last) {
            if (finished) {
                throw new AssertionError("data after the last chunk");
            }
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            chunks.add(bytes);
            finished = last;
            return !pause;
        }

        @Override
        public void onError(Throwable failure) {
            errors.incrementAndGet();
            error = failure;
        }

        synchronized byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            chunks.forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

    /**
     * A source that hands out its chunks while the sink keeps up, and honours pauses the way the
     * upstream body does: a resume from inside the sink's own onData is remembered, not recursed
     * into. With an executor, resumed deliveries happen on its threads.
     */
    static final class ChunkedSource implements Body {
        private final List<byte[]> chunks;
        private final ExecutorService executor;
        final AtomicInteger delivered = new AtomicInteger();
        int failAfter = -1;
        volatile boolean discarded;
        private BodySink sink;
        private boolean paused;
        private boolean delivering;
        private boolean resumedWhileDelivering;

        ChunkedSource(List<byte[]> chunks) {
            this(chunks, null);
        }

        ChunkedSource(List<byte[]> chunks, ExecutorService executor) {
            this.chunks = chunks;
            this.executor = executor;
        }

        byte[] all() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            chunks.forEach(out::writeBytes);
            return out.toByteArray();
        }

        @Override
        public long length() {
            return -1;
        }

        @Override
        public void subscribe(BodySink newSink) {
            synchronized (this) {
                sink = newSink;
            }
            deliver();
        }

        @Override
        public void resume() {
            synchronized (this) {
                if (delivering) {
                    resumedWhileDelivering = true;
                    return;
                }
                paused = false;
            }
            if (executor == null) {
                deliver();
            } else {
                try {
                    executor.execute(this::deliver);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    throw new UncheckedIOException(new IOException("test over", e));
                }
            }
        }

        @Override
        public void discard() {
            discarded = true;
        }

        private synchronized void deliver() {
            delivering = true;
            try {
                while (!paused && !discarded && delivered.get() < chunks.size()) {
                    int i = delivered.getAndIncrement();
                    if (i == failAfter) {
                        sink.onError(new IOException("upstream broke"));
                        return;
                    }
                    resumedWhileDelivering = false;
                    boolean more = sink.onData(ByteBuffer.wrap(chunks.get(i)), i == chunks.size() - 1);
                    if (!more && !resumedWhileDelivering) {
                        paused = true;
                    }
                }
            } finally {
                delivering = false;
            }
        }
    }
}
