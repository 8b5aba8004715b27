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
    /**
     * The guard has refused this connection and is closing it: bytes still arriving are dropped,
     * never judged as a new head nor passed to the codec. Set by the selector thread or the sweeper.
     */
    volatile boolean refused;
    /**
     * While the connection lingers after an answer that ends it ({@link ListenerGuard#linger}): the
     * {@link System#nanoTime()} after which the sweep closes it; 0 otherwise. Read by the sweeper.
     */
    volatile long lingerUntilNanos;
    /** The connection carries a WebSocket tunnel: its bytes are frames, never judged as request heads. */
    volatile boolean tunnel;
    /**
     * Set on an HTTP/2 listener ({@code node.http2.enabled}): the connection may turn to HTTP/2 with the client
     * preface (prior knowledge, after an {@code Upgrade: h2c}, or after ALPN); from then on {@link #h2} follows it.
     */
    H2FrameState h2Frames;
    /**
     * With {@link #h2Frames}, until the connection's first bytes are judged: those that begin as the HTTP/2 client
     * preface are held back until the preface and the first frame are whole ({@link H2PrefaceHold}).
     */
    boolean prefaceUnjudged;
    /** The client preface has been seen: bytes are HTTP/2 frames, {@link #h2Frames} judges them. */
    boolean h2;
    /** Bytes of the head so far. */
    int bytes;
    /** Where in the message the next byte falls: the head, or one of the body's framing states. */
    int phase = HeadScanner.HEAD;
    /** Body bytes still to come: of a Content-Length body, or of the current chunk. */
    long remaining;
    /** The Content-Length value of the current head, once read. */
    long contentLength;
    /** The chunk-size line now being read has at least one hex digit. */
    boolean chunkDigits;
    /** Length of the trailer line now being read (chunked bodies), CR excluded. */
    int trailerLine;
    /** The request line has been read and found well-formed. */
    boolean pastRequestLine;
    int contentLengths;
    boolean transferEncoding;
    /** The request line says HTTP/1.0, which has no Transfer-Encoding. */
    boolean http10;
    /** Transfer codings listed so far, over every Transfer-Encoding line. */
    int transferCodings;
    /** The last transfer coding listed so far is {@code chunked}. */
    boolean lastCodingChunked;
    /** Host header lines in the head so far. */
    int hosts;
    /**
     * The authority of an absolute-form request target ({@code http://a.example:8080/x} gives
     * {@code a.example:8080}), null for any other form. Rare: only then is a string made.
     */
    String targetAuthority;
    /** The absolute-form target's scheme is https (default port 443, else 80). */
    boolean targetHttps;
    /** The line being read, without its line end. */
    byte[] line = new byte[128];
    int lineLength;

    void nextHead(long now) {
        startNanos = now;
        phase = HeadScanner.HEAD;
        contentLength = 0;
        bytes = 0;
        pastRequestLine = false;
        contentLengths = 0;
        transferEncoding = false;
        http10 = false;
        transferCodings = 0;
        lastCodingChunked = false;
        hosts = 0;
        targetAuthority = null;
        targetHttps = false;
        lineLength = 0;
    }

    void append(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }
}
