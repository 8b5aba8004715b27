package dev.gateway.node.server;

import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;

/**
 * Whether the first bytes of a connection are to be held back from Grizzly's HTTP/2 codec until the client preface
 * and the whole first frame have come. grizzly-http2 4.0.2's {@code Http2ServerFilter} takes a prior-knowledge
 * connection as HTTP/2 only once it has parsed that first frame (the client's SETTINGS): a read that completes the
 * preface but not the first frame (say the preface and 3 bytes of a frame header) passes {@code checkPRI}, and the
 * next read is then checked as the preface again and answered with an HTTP/1.1 400 and a close. Held together in
 * one buffer, the bytes reach it as one read. Only bytes that are, so far, exactly the preface are held (an
 * HTTP/1.1 request line leaves the preface at its second byte at the latest), and at most the preface and one frame
 * of {@link #MAX_FIRST_FRAME} bytes (the size every peer must accept before SETTINGS say otherwise); the header
 * timeout keeps running meanwhile, so a client that stops inside them is refused like any slow head.
 */
final class H2PrefaceHold {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int FRAME_HEADER = 9;
    static final int MAX_FIRST_FRAME = 16_384;

    private H2PrefaceHold() {
    }

    /** True while {@code buffer} (from its position: the connection's first bytes) is to be held for more. */
    static boolean hold(Buffer buffer) {
        int at = buffer.position();
        int n = buffer.remaining();
        for (int i = 0, m = Math.min(n, PREFACE.length); i < m; i++) {
            if (buffer.get(at + i) != PREFACE[i]) {
                return false;
            }
        }
        int header = PREFACE.length + FRAME_HEADER;
        if (n < header) {
            return true;
        }
        int h = at + PREFACE.length;
        int length = (buffer.get(h) & 0xff) << 16 | (buffer.get(h + 1) & 0xff) << 8 | (buffer.get(h + 2) & 0xff);
        return length <= MAX_FIRST_FRAME && n < header + length;
    }
}
