package dev.gateway.node.websocket;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/** The close frames the gateway sends itself (RFC 6455 5.5.1): unmasked towards the client, masked towards the upstream. */
final class CloseFrames {
    /** Normal closure. */
    static final int NORMAL = 1000;
    /** Going away: idle timeout, node draining, the other side left without a close frame. */
    static final int GOING_AWAY = 1001;
    /** Never sent: recorded when a tunnel ended without any close frame (RFC 6455 7.1.5). */
    static final int ABNORMAL = 1006;
    /** Message too big ({@code max-message}). */
    static final int TOO_BIG = 1009;

    private CloseFrames() {
    }

    /** A close frame with {@code code} and no reason; masked (with a random key) when it goes to the upstream. */
    static ByteBuffer of(int code, boolean masked) {
        byte hi = (byte) (code >> 8);
        byte lo = (byte) code;
        if (!masked) {
            return ByteBuffer.wrap(new byte[] {(byte) 0x88, 2, hi, lo});
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        return ByteBuffer.wrap(new byte[] {(byte) 0x88, (byte) 0x82, key[0], key[1], key[2], key[3],
                (byte) (hi ^ key[0]), (byte) (lo ^ key[1])});
    }
}
