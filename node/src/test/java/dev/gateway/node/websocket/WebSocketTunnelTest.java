package dev.gateway.node.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketTunnelTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RecordingEnd client = new RecordingEnd();
    private final RecordingEnd upstream = new RecordingEnd();
    private final List<Integer> ended = new ArrayList<>();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** A tunnel end that records what is written to it and whether it reads; its write queue fills when told. */
    static final class RecordingEnd implements TunnelEnd {
        final List<byte[]> written = new ArrayList<>();
        Reader reader;
        boolean full;
        Runnable writable;
        int resumes;
        volatile boolean closed;

        @Override
        public void open(Reader r) {
            reader = r;
        }

        @Override
        public void resumeReading() {
            resumes++;
        }

        @Override
        public synchronized boolean write(ByteBuffer bytes, Runnable onWritable) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            written.add(copy);
            if (full) {
                writable = onWritable;
                return false;
            }
            return true;
        }

        @Override
        public void close() {
            closed = true;
        }

        synchronized List<byte[]> written() {
            return List.copyOf(written);
        }
    }

    private WebSocketTunnel start(long idleNanos, long maxMessage) {
        WebSocketTunnel tunnel = new WebSocketTunnel(client, upstream, idleNanos, maxMessage, timer, now::get,
                (t, code) -> {
                    synchronized (ended) {
                        ended.add(code);
                    }
                });
        tunnel.start();
        return tunnel;
    }

    private static ByteBuffer frame(boolean masked, int opcode, byte[] payload) {
        return ByteBuffer.wrap(FrameScannerTest.frame(true, opcode, payload, masked));
    }

    private List<Integer> ended() {
        synchronized (ended) {
            return List.copyOf(ended);
        }
    }

    @Test
    void bytesPassBothWaysAndAFullSideStopsTheOtherFromBeingRead() {
        start(Duration.ofMinutes(5).toNanos(), 1024);
        assertThat(client.reader.onBytes(frame(true, 1, "hi".getBytes()))).isTrue();
        assertThat(upstream.written()).hasSize(1);

        client.full = true; // the client's socket stops draining
        assertThat(upstream.reader.onBytes(frame(false, 2, new byte[100]))).as("upstream read pauses").isFalse();
        assertThat(client.written()).hasSize(1);
        assertThat(upstream.resumes).isZero();
        client.writable.run(); // drained
        assertThat(upstream.resumes).isEqualTo(1);
    }

    @Test
    void aMessageOverTheLimitClosesBothWith1009AndIsNotForwarded() {
        start(Duration.ofMinutes(5).toNanos(), 100);
        ByteBuffer small = frame(true, 2, new byte[10]);
        ByteBuffer big = frame(true, 2, new byte[101]);
        ByteBuffer both = ByteBuffer.allocate(small.remaining() + big.remaining()).put(small).put(big).flip();

        assertThat(client.reader.onBytes(both)).isFalse();

        assertThat(upstream.written().get(0)).hasSize(16); // the small (masked) frame only
        assertThat(upstream.written().get(1)).hasSize(8).startsWith((byte) 0x88, (byte) 0x82); // masked close
        assertThat(client.written()).singleElement().isEqualTo(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xF1});
        assertThat(client.closed).isTrue();
        assertThat(upstream.closed).isTrue();
        assertThat(ended()).containsExactly(1009);
    }

    @Test
    void idleForTheTimeoutClosesBothWith1001() {
        start(Duration.ofMillis(50).toNanos(), 100);
        client.reader.onBytes(frame(true, 9, new byte[0])); // a ping: activity
        now.addAndGet(Duration.ofMillis(49).toNanos());
        await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2)).until(() -> !client.closed);
        now.addAndGet(Duration.ofMillis(1).toNanos());
        await().atMost(Duration.ofSeconds(5)).until(() -> client.closed && upstream.closed);
        assertThat(client.written()).last().isEqualTo(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE9});
        assertThat(ended()).containsExactly(1001);
    }

    @Test
    void aSideThatLeavesWithoutACloseFrameLeavesTheOtherA1001() {
        start(Duration.ofMinutes(5).toNanos(), 100);
        upstream.reader.onEnd();
        assertThat(client.written()).singleElement().isEqualTo(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE9});
        assertThat(client.closed).isTrue();
        assertThat(ended()).containsExactly(1006);
    }

    @Test
    void aCloseFramePassesAndNamesTheEnd() {
        start(Duration.ofMinutes(5).toNanos(), 100);
        client.reader.onBytes(frame(true, 8, new byte[] {0x03, (byte) 0xE8}));
        upstream.reader.onBytes(frame(false, 8, new byte[] {0x03, (byte) 0xE8}));
        upstream.reader.onEnd();
        assertThat(client.written()).hasSize(1); // the upstream's close reply, nothing of the gateway's own
        assertThat(client.closed).isTrue();
        assertThat(ended()).containsExactly(1000);
    }

    @Test
    void shutDownSendsGoingAwayButNeverInsideAFrame() {
        WebSocketTunnel tunnel = start(Duration.ofMinutes(5).toNanos(), 1000);
        ByteBuffer half = frame(false, 2, new byte[50]);
        half.limit(20); // the upstream is mid-frame towards the client
        upstream.reader.onBytes(half);
        tunnel.shutDown();
        assertThat(client.written()).hasSize(1); // only the half frame: no close frame inside it
        assertThat(upstream.written()).singleElement().satisfies(b -> assertThat(b).startsWith((byte) 0x88));
        assertThat(client.closed && upstream.closed).isTrue();
        assertThat(ended()).containsExactly(1001);
    }

    @Test
    void aSideThatWasSentACloseFrameGetsNoSecondOne() {
        WebSocketTunnel tunnel = start(Duration.ofMinutes(5).toNanos(), 1000);
        client.reader.onBytes(frame(true, 8, new byte[] {0x03, (byte) 0xE8})); // the client closes; no reply yet
        tunnel.shutDown();
        assertThat(upstream.written()).hasSize(1); // the client's close only
        assertThat(client.written()).singleElement().isEqualTo(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE9});
        assertThat(ended()).containsExactly(1000);
    }
}
