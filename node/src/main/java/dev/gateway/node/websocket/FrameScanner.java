package dev.gateway.node.websocket;

import java.nio.ByteBuffer;

/**
 * Follows the RFC 6455 frames of one direction of a tunnel through the bytes as they pass, in pieces of any size
 * (a frame header may be split anywhere): it reads frame headers only, never copies a payload, and tells how much of
 * a piece may be forwarded before a message grows past {@code maxMessage}. A message's size is the sum of the
 * payload lengths of its data frames (the first, then its continuation frames); control frames (close, ping, pong)
 * are not part of it. It also notes the status code of the first close frame (1005 when it carries none), and
 * whether the bytes passed so far end on a frame boundary (where a frame of the gateway's own may be inserted).
 *
 * <p>Not thread-safe: one direction's bytes are scanned one piece at a time.
 */
final class FrameScanner {
    /** {@link #closeCode()} before a close frame was seen. */
    static final int NO_CLOSE = -1;
    /** The close code of a close frame without a payload (RFC 6455 7.1.5). */
    static final int NO_STATUS = 1005;
    private static final int OPCODE_CONTINUATION = 0;
    private static final int OPCODE_CLOSE = 8;

    private final long maxMessage;
    /** Header bytes of the frame being read; the longest header is 14 bytes. */
    private final byte[] header = new byte[14];
    private int headerLength;
    /** Payload bytes of the current frame still to pass; the header is complete while this is above 0. */
    private long payloadLeft;
    /** The current frame is a close frame whose code is still being read: its payload offset so far. */
    private int closePayloadRead = -1;
    private int closeCode = NO_CLOSE;
    private int maskOffset;
    /** The size of the message in progress (its frames so far), 0 between messages. */
    private long messageSize;
    private boolean tooBig;

    FrameScanner(long maxMessage) {
        this.maxMessage = maxMessage;
    }

    /**
     * Scans {@code bytes} from its position to its limit without moving the position.
     *
     * @return how many bytes from the position may be forwarded: all of them, or fewer when the frame starting
     *         there makes its message larger than {@code maxMessage} ({@link #tooBig()} is then true and nothing
     *         more is scanned)
     */
    int scan(ByteBuffer bytes) {
        if (tooBig) {
            return 0;
        }
        int start = bytes.position();
        int end = bytes.limit();
        int i = start;
        int frameStart = start;
        // a header begun in an earlier piece went through already: the tunnel can no longer stop before it
        boolean headerCarried = headerLength > 0 && payloadLeft == 0;
        while (i < end) {
            if (headerLength > 0 && payloadLeft == 0 && headerComplete()) {
                headerLength = 0; // a frame with an empty payload ended with its header
            }
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, end - i);
                readClosePayload(bytes, i, n);
                payloadLeft -= n;
                i += n;
                if (payloadLeft == 0) {
                    headerLength = 0;
                }
                continue;
            }
            if (headerLength == 0) {
                frameStart = i;
                headerCarried = false;
            }
            header[headerLength++] = bytes.get(i++);
            if (headerComplete()) {
                if (!onHeader()) {
                    tooBig = true;
                    if (!headerCarried) {
                        headerLength = 0; // what is forwarded ends where the refused frame starts
                    }
                    return frameStart - start;
                }
            }
        }
        if (headerLength > 0 && payloadLeft == 0 && headerComplete()) {
            headerLength = 0;
        }
        return end - start;
    }

    /** A message grew past {@code maxMessage}; nothing is scanned any more. */
    boolean tooBig() {
        return tooBig;
    }

    /** The status code of the first close frame, {@link #NO_STATUS} when it had none, {@link #NO_CLOSE} before one. */
    int closeCode() {
        return closeCode;
    }

    /** Whether the bytes scanned so far end where a frame ends (or none began). */
    boolean atFrameBoundary() {
        return headerLength == 0 && payloadLeft == 0;
    }

    private boolean headerComplete() {
        if (headerLength < 2) {
            return false;
        }
        return headerLength == headerSize();
    }

    private int headerSize() {
        int len7 = header[1] & 0x7F;
        int size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
        return (header[1] & 0x80) != 0 ? size + 4 : size;
    }

    /** The header is complete: account for its frame; false when its message is too big. */
    private boolean onHeader() {
        int opcode = header[0] & 0x0F;
        boolean fin = (header[0] & 0x80) != 0;
        int len7 = header[1] & 0x7F;
        long length;
        if (len7 == 126) {
            length = ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
        } else if (len7 == 127) {
            length = 0;
            for (int k = 2; k < 10; k++) {
                length = (length << 8) | (header[k] & 0xFFL);
            }
            if (length < 0) {
                return false; // the most significant bit must be 0 (RFC 6455 5.2): no message is that large
            }
        } else {
            length = len7;
        }
        maskOffset = (header[1] & 0x80) != 0 ? headerLength - 4 : -1;
        if (opcode >= OPCODE_CLOSE) {
            if (opcode == OPCODE_CLOSE && closeCode == NO_CLOSE) {
                closeCode = length < 2 ? NO_STATUS : 0;
                closePayloadRead = length < 2 ? -1 : 0;
            }
        } else {
            long size = (opcode == OPCODE_CONTINUATION ? messageSize : 0) + length;
            if (size > maxMessage) {
                return false;
            }
            messageSize = fin ? 0 : size;
        }
        payloadLeft = length;
        return true;
    }

    /** Picks the two bytes of a close code out of the payload passing at {@code at}, unmasking them. */
    private void readClosePayload(ByteBuffer bytes, int at, int n) {
        for (int k = 0; k < n && closePayloadRead >= 0 && closePayloadRead < 2; k++) {
            int b = bytes.get(at + k) & 0xFF;
            if (maskOffset >= 0) {
                b ^= header[maskOffset + closePayloadRead] & 0xFF;
            }
            closeCode = (closeCode << 8) | b;
            closePayloadRead++;
        }
        if (closePayloadRead >= 2) {
            closePayloadRead = -1;
        }
    }
}
