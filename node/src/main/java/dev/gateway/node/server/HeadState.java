package dev.gateway.node.server;

import java.util.Arrays;

/**
 * Where one client connection is in reading a request head, as the {@link ListenerGuard}
 * filters see it. Written by the connection's selector thread; {@link #startNanos} is also read
 * by the guard's sweeper, hence volatile.
 */
final class HeadState {
    /** When the head now being read began (or the connection opened), 0 while none is. */
    volatile long startNanos;
    /** Bytes of the head so far. */
    int bytes;
    /** True between the end of a head and the end of its message (body included). */
    boolean inMessage;
    /** The request line has been read and found well-formed. */
    boolean pastRequestLine;
    int contentLengths;
    boolean transferEncoding;
    /** The line being read, without its line end. */
    byte[] line = new byte[128];
    int lineLength;

    void nextHead(long now) {
        startNanos = now;
        bytes = 0;
        pastRequestLine = false;
        contentLengths = 0;
        transferEncoding = false;
        lineLength = 0;
    }

    void append(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }
}
