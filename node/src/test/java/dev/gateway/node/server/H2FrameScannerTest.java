package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

/** {@link H2FrameScanner} on hand-made frames, time moved by hand: budgets per second, per header block, split reads. */
class H2FrameScannerTest {
    private static final long SECOND = 1_000_000_000L;

    private static byte[] frame(int type, int flags, int stream, int length) {
        byte[] f = new byte[9 + length];
        f[0] = (byte) (length >>> 16);
        f[1] = (byte) (length >>> 8);
        f[2] = (byte) length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        return f;
    }

    private static int scan(H2FrameState s, long now, byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            all.writeBytes(f);
        }
        return H2FrameScanner.scan(s, Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, all.toByteArray()), 0, now);
    }

    @Test
    void resetsOverTheBudgetOfOneSecondAreRapidReset() {
        H2FrameState s = new H2FrameState(3, 16384, 0);
        byte[] rst = frame(H2FrameScanner.RST_STREAM, 0, 1, 4);
        assertThat(scan(s, 0, rst, rst, rst)).isEqualTo(H2FrameScanner.MORE);
        assertThat(scan(s, SECOND / 2, rst)).isEqualTo(H2FrameScanner.RAPID_RESET);

        H2FrameState later = new H2FrameState(3, 16384, 0);
        assertThat(scan(later, 0, rst, rst, rst)).isEqualTo(H2FrameScanner.MORE);
        assertThat(scan(later, SECOND, rst, rst, rst)).as("a new second, a new budget").isEqualTo(H2FrameScanner.MORE);
    }

    @Test
    void pingAndSettingsAcknowledgementsAreNotCounted() {
        H2FrameState s = new H2FrameState(100, 16384, 0);
        byte[] pingAck = frame(H2FrameScanner.PING, 0x1, 0, 8);
        byte[] settingsAck = frame(H2FrameScanner.SETTINGS, 0x1, 0, 0);
        for (int i = 0; i < 100; i++) {
            assertThat(scan(s, 0, pingAck, settingsAck)).isEqualTo(H2FrameScanner.MORE);
        }
        byte[] ping = frame(H2FrameScanner.PING, 0, 0, 8);
        for (int i = 0; i < H2FrameScanner.MAX_PINGS_PER_SECOND; i++) {
            assertThat(scan(s, 0, ping)).isEqualTo(H2FrameScanner.MORE);
        }
        assertThat(scan(s, 0, ping)).isEqualTo(H2FrameScanner.PING_FLOOD);
        byte[] settings = frame(H2FrameScanner.SETTINGS, 0, 0, 6);
        H2FrameState t = new H2FrameState(100, 16384, 0);
        for (int i = 0; i < H2FrameScanner.MAX_SETTINGS_PER_SECOND; i++) {
            assertThat(scan(t, 0, settings)).isEqualTo(H2FrameScanner.MORE);
        }
        assertThat(scan(t, 0, settings)).isEqualTo(H2FrameScanner.SETTINGS_FLOOD);
    }

    @Test
    void headerBlocksAreBoundedInBytesAndInContinuationFrames() {
        H2FrameState s = new H2FrameState(100, 1000, 0);
        assertThat(scan(s, 0, frame(H2FrameScanner.HEADERS, 0, 1, 600))).isEqualTo(H2FrameScanner.MORE);
        assertThat(scan(s, 0, frame(H2FrameScanner.CONTINUATION, 0x4, 1, 401))).isEqualTo(H2FrameScanner.HEADER_LIST);

        H2FrameState empty = new H2FrameState(100, 1000, 0);
        assertThat(scan(empty, 0, frame(H2FrameScanner.HEADERS, 0, 1, 10))).isEqualTo(H2FrameScanner.MORE);
        for (int i = 0; i < H2FrameScanner.MAX_CONTINUATIONS; i++) {
            assertThat(scan(empty, 0, frame(H2FrameScanner.CONTINUATION, 0, 1, 0))).isEqualTo(H2FrameScanner.MORE);
        }
        assertThat(scan(empty, 0, frame(H2FrameScanner.CONTINUATION, 0, 1, 0))).isEqualTo(H2FrameScanner.CONTINUATION_FLOOD);

        H2FrameState many = new H2FrameState(100, 1000, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(scan(many, 0, frame(H2FrameScanner.HEADERS, 0x4, 2 * i + 1, 900)))
                    .as("each block is counted on its own").isEqualTo(H2FrameScanner.MORE);
        }
        assertThat(many.lastStreamId).isEqualTo(1999);
    }

    @Test
    void framesSplitAcrossReadsAreFollowedByteByByte() {
        H2FrameState s = new H2FrameState(1, 16384, 0);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(frame(0x0, 0, 1, 20)); // DATA with 20 payload bytes
        all.writeBytes(frame(H2FrameScanner.RST_STREAM, 0, 1, 4));
        all.writeBytes(frame(H2FrameScanner.RST_STREAM, 0, 3, 4));
        byte[] bytes = all.toByteArray();
        int verdict = H2FrameScanner.MORE;
        for (byte b : bytes) {
            verdict = H2FrameScanner.scan(s, Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, new byte[] {b}), 0, 0);
            if (verdict != H2FrameScanner.MORE) {
                break;
            }
        }
        assertThat(verdict).as("the second reset, found one byte at a time").isEqualTo(H2FrameScanner.RAPID_RESET);
    }

    @Test
    void windowUpdatesAndSettingsMarkTheClientAsOpeningWindows() {
        H2FrameState s = new H2FrameState(100, 16384, 0);
        scan(s, 5 * SECOND, frame(H2FrameScanner.WINDOW_UPDATE, 0, 0, 4));
        assertThat(s.lastWindowNanos).isEqualTo(5 * SECOND);
        scan(s, 7 * SECOND, frame(H2FrameScanner.PING, 0, 0, 8));
        assertThat(s.lastWindowNanos).isEqualTo(5 * SECOND);
    }
}
