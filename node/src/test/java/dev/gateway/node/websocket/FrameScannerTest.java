package dev.gateway.node.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameScannerTest {
    private static final int TEXT = 1;
    private static final int BINARY = 2;
    private static final int CONTINUATION = 0;
    private static final int CLOSE = 8;
    private static final int PING = 9;

    /** One frame: payload length in the 7-bit, 16-bit or 64-bit form as its size needs; masked when asked. */
    static byte[] frame(boolean fin, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int mask = masked ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            out.write(mask | n);
        } else if (n < 65536) {
            out.write(mask | 126);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >> shift));
            }
        }
        byte[] key = {0x11, 0x22, 0x33, 0x44};
        if (masked) {
            out.writeBytes(key);
        }
        for (int i = 0; i < n; i++) {
            out.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    /** Scans {@code stream} cut at {@code cut} into two pieces; returns the bytes allowed through. */
    private static int scanSplit(FrameScanner scanner, byte[] stream, int cut) {
        int first = scanner.scan(ByteBuffer.wrap(stream, 0, cut));
        if (scanner.tooBig()) {
            return first;
        }
        return first + scanner.scan(ByteBuffer.wrap(stream, cut, stream.length - cut).slice());
    }

    @Test
    void messagesWithinTheLimitPassWhole() {
        byte[] stream = concat(frame(true, TEXT, bytes(100), true), frame(true, BINARY, bytes(300), true),
                frame(true, PING, bytes(5), true));
        FrameScanner scanner = new FrameScanner(300);
        assertThat(scanner.scan(ByteBuffer.wrap(stream))).isEqualTo(stream.length);
        assertThat(scanner.tooBig()).isFalse();
        assertThat(scanner.atFrameBoundary()).isTrue();
        assertThat(scanner.closeCode()).isEqualTo(FrameScanner.NO_CLOSE);
    }

    @Test
    void aFrameOverTheLimitStopsWhereItStarts() {
        byte[] good = frame(true, TEXT, bytes(10), false);
        byte[] stream = concat(good, frame(true, BINARY, bytes(70_000), false));
        FrameScanner scanner = new FrameScanner(65_536);
        assertThat(scanner.scan(ByteBuffer.wrap(stream))).isEqualTo(good.length);
        assertThat(scanner.tooBig()).isTrue();
        assertThat(scanner.scan(ByteBuffer.wrap(stream))).isZero();
    }

    @Test
    void continuationFramesAddUpAndControlFramesDoNotCount() {
        byte[] first = frame(false, TEXT, bytes(40), true);
        byte[] ping = frame(true, PING, bytes(100), true);
        byte[] second = frame(false, CONTINUATION, bytes(40), true);
        byte[] third = frame(true, CONTINUATION, bytes(21), true);
        byte[] stream = concat(first, ping, second, third);
        FrameScanner scanner = new FrameScanner(100);
        assertThat(scanner.scan(ByteBuffer.wrap(stream))).isEqualTo(first.length + ping.length + second.length);
        assertThat(scanner.tooBig()).isTrue();

        FrameScanner exact = new FrameScanner(101);
        byte[] next = frame(true, TEXT, bytes(101), true); // a new message starts from zero
        byte[] ok = concat(stream, next);
        assertThat(exact.scan(ByteBuffer.wrap(ok))).isEqualTo(ok.length);
        assertThat(exact.tooBig()).isFalse();
    }

    @Test
    void aLengthWithTheTopBitSetIsTooBig() {
        byte[] stream = {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
        FrameScanner scanner = new FrameScanner(Long.MAX_VALUE);
        assertThat(scanner.scan(ByteBuffer.wrap(stream))).isZero();
        assertThat(scanner.tooBig()).isTrue();
    }

    @Test
    void readsTheCodeOfTheFirstCloseFrameMaskedOrNot() {
        FrameScanner masked = new FrameScanner(10);
        masked.scan(ByteBuffer.wrap(concat(frame(true, TEXT, bytes(3), true),
                frame(true, CLOSE, new byte[] {0x03, (byte) 0xE9, 'b', 'y', 'e'}, true),
                frame(true, CLOSE, new byte[] {0x03, (byte) 0xE8}, true))));
        assertThat(masked.closeCode()).isEqualTo(1001);

        FrameScanner plain = new FrameScanner(10);
        plain.scan(ByteBuffer.wrap(frame(true, CLOSE, new byte[] {0x0F, (byte) 0xA0}, false)));
        assertThat(plain.closeCode()).isEqualTo(4000);

        FrameScanner empty = new FrameScanner(10);
        empty.scan(ByteBuffer.wrap(frame(true, CLOSE, new byte[0], false)));
        assertThat(empty.closeCode()).isEqualTo(FrameScanner.NO_STATUS);
    }

    @Test
    void everySplitPointGivesTheSameVerdict() {
        byte[] close = frame(true, CLOSE, new byte[] {0x03, (byte) 0xF1}, true);
        byte[] okStream = concat(frame(true, TEXT, bytes(0), true), frame(false, BINARY, bytes(200), true),
                frame(true, PING, bytes(1), true), frame(true, CONTINUATION, bytes(300), true),
                frame(true, BINARY, bytes(70_000), true), close);
        for (int cut = 0; cut <= okStream.length; cut++) {
            FrameScanner scanner = new FrameScanner(70_000);
            assertThat(scanSplit(scanner, okStream, cut)).as("cut at %d", cut).isEqualTo(okStream.length);
            assertThat(scanner.tooBig()).isFalse();
            assertThat(scanner.closeCode()).as("cut at %d", cut).isEqualTo(1009);
            assertThat(scanner.atFrameBoundary()).isTrue();
        }
        byte[] head = frame(false, TEXT, bytes(200), false);
        byte[] badStream = concat(head, frame(false, CONTINUATION, bytes(300), false), bytes(10));
        for (int cut = 0; cut <= badStream.length; cut++) {
            FrameScanner scanner = new FrameScanner(499);
            int allowed = scanSplit(scanner, badStream, cut);
            assertThat(scanner.tooBig()).as("cut at %d", cut).isTrue();
            // the offending header may have started in the first piece, which went through whole
            assertThat(allowed).as("cut at %d", cut).isEqualTo(cut > head.length && cut < head.length + 4 ? cut : head.length);
        }
    }

    @Test
    void knowsWhenItIsBetweenFrames() {
        byte[] f = frame(true, BINARY, bytes(10), false);
        FrameScanner scanner = new FrameScanner(100);
        scanner.scan(ByteBuffer.wrap(f, 0, 1));
        assertThat(scanner.atFrameBoundary()).isFalse();
        scanner.scan(ByteBuffer.wrap(f, 1, 5).slice());
        assertThat(scanner.atFrameBoundary()).isFalse();
        scanner.scan(ByteBuffer.wrap(f, 6, f.length - 6).slice());
        assertThat(scanner.atFrameBoundary()).isTrue();
    }
}
