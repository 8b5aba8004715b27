package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

class H2PrefaceHoldTest {
    private static final byte[] SETTINGS = {0, 0, 6, 0x4, 0, 0, 0, 0, 0, 0, 0x2, 0, 0, 0, 0};

    @Test
    void holdsEveryPrefixOfThePrefaceAndTheFirstFrame() {
        byte[] all = concat(H2PrefaceHold.PREFACE, SETTINGS);
        for (int n = 1; n < all.length; n++) {
            assertThat(H2PrefaceHold.hold(buffer(Arrays.copyOf(all, n)))).as("first %d bytes", n).isTrue();
        }
        assertThat(H2PrefaceHold.hold(buffer(all))).isFalse();
        assertThat(H2PrefaceHold.hold(buffer(concat(all, new byte[] {0, 0})))).isFalse();
    }

    @Test
    void passesAnythingElseAtOnce() {
        assertThat(H2PrefaceHold.hold(buffer(ascii("PUT / HTTP/1.1\r\n")))).isFalse();
        assertThat(H2PrefaceHold.hold(buffer(ascii("PU")))).isFalse();
        assertThat(H2PrefaceHold.hold(buffer(ascii("PRI /x HTTP/1.1\r\n")))).isFalse();
        assertThat(H2PrefaceHold.hold(buffer(ascii("GET")))).isFalse();
        assertThat(H2PrefaceHold.hold(buffer(ascii("PRI * HTTP/2.0\r\n\r\nXM\r\n\r\n")))).isFalse();
    }

    @Test
    void aFirstFrameOverTheDefaultMaximumIsNotWaitedFor() {
        byte[] header = {0, 0x40, 0x01, 0x4, 0, 0, 0, 0, 0}; // 16385 bytes announced
        assertThat(H2PrefaceHold.hold(buffer(concat(H2PrefaceHold.PREFACE, header)))).isFalse();
        byte[] atMax = {0, 0x40, 0x00, 0x4, 0, 0, 0, 0, 0};
        assertThat(H2PrefaceHold.hold(buffer(concat(H2PrefaceHold.PREFACE, atMax)))).isTrue();
    }

    @Test
    void readsFromTheBuffersPosition() {
        Buffer b = buffer(concat(ascii("xx"), H2PrefaceHold.PREFACE));
        b.position(2);
        assertThat(H2PrefaceHold.hold(b)).isTrue();
    }

    private static Buffer buffer(byte[] bytes) {
        return Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, bytes);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
