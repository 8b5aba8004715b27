package dev.gateway.node.server;

import org.glassfish.grizzly.Buffer;

/**
 * Follows the frames a client sends on an HTTP/2 connection, below Grizzly's HTTP/2 codec and without consuming a
 * byte, and judges the floods that cost the node more than they cost the client (each ends the connection with
 * GOAWAY ENHANCE_YOUR_CALM, see {@link ListenerGuard}):
 * <ul>
 *   <li>rapid reset (CVE-2023-44487): more RST_STREAM frames in one second than the connection's budget;</li>
 *   <li>CONTINUATION flood (CVE-2024-27316): more than {@link #MAX_CONTINUATIONS} CONTINUATION frames in one
 *       header block, however small (empty ones included);</li>
 *   <li>a header block whose frames carry more than {@code max-header-list} bytes: its compressed size already
 *       passes the limit, whatever it would decode to;</li>
 *   <li>SETTINGS or PING floods: more than {@link #MAX_SETTINGS_PER_SECOND} / {@link #MAX_PINGS_PER_SECOND} of
 *       them (acknowledgements aside) in one second, each of which the node must answer.</li>
 * </ul>
 * Only frame headers are read (9 bytes each); payloads are skipped by count. A RST_STREAM within the budget runs
 * what the handler registered for that stream ({@link H2Requests#onClientReset}): its upstream exchange is aborted.
 */
final class H2FrameScanner {
    static final int MORE = HeadScanner.MORE;
    static final int RAPID_RESET = 20;
    static final int CONTINUATION_FLOOD = 21;
    static final int HEADER_LIST = 22;
    static final int SETTINGS_FLOOD = 23;
    static final int PING_FLOOD = 24;

    static final int MAX_CONTINUATIONS = 32;
    static final int MAX_SETTINGS_PER_SECOND = 32;
    static final int MAX_PINGS_PER_SECOND = 32;

    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;
    private static final int ACK = 0x1;
    private static final long SECOND = 1_000_000_000L;

    private H2FrameScanner() {
    }

    /** Follows the bytes of {@code buffer} from {@code from}; {@link #MORE} while all is well, else the verdict. */
    static int scan(H2FrameState s, Buffer buffer, int from, long now) {
        int i = from;
        int end = buffer.limit();
        while (i < end) {
            if (s.payloadLeft > 0) {
                int skip = Math.min(s.payloadLeft, end - i);
                i += skip;
                s.payloadLeft -= skip;
                continue;
            }
            s.header[s.headerBytes++] = buffer.get(i++);
            if (s.headerBytes == 9) {
                s.headerBytes = 0;
                int verdict = frame(s, now);
                if (verdict != MORE) {
                    return verdict;
                }
            }
        }
        return MORE;
    }

    private static int frame(H2FrameState s, long now) {
        byte[] h = s.header;
        int length = (h[0] & 0xff) << 16 | (h[1] & 0xff) << 8 | (h[2] & 0xff);
        int type = h[3] & 0xff;
        int flags = h[4] & 0xff;
        int stream = (h[5] & 0x7f) << 24 | (h[6] & 0xff) << 16 | (h[7] & 0xff) << 8 | (h[8] & 0xff);
        s.payloadLeft = length;
        if (now - s.windowStartNanos >= SECOND) {
            s.windowStartNanos = now;
            s.resets = 0;
            s.settings = 0;
            s.pings = 0;
        }
        switch (type) {
            case HEADERS -> {
                if (stream > s.lastStreamId && (stream & 1) == 1) {
                    s.lastStreamId = stream;
                }
                s.headerBlockBytes = length;
                s.continuations = 0;
                s.inHeaderBlock = (flags & END_HEADERS) == 0;
                return s.headerBlockBytes > s.maxHeaderList ? HEADER_LIST : MORE;
            }
            case CONTINUATION -> {
                s.headerBlockBytes += length;
                if (++s.continuations > MAX_CONTINUATIONS) {
                    return CONTINUATION_FLOOD;
                }
                s.inHeaderBlock = (flags & END_HEADERS) == 0;
                return s.headerBlockBytes > s.maxHeaderList ? HEADER_LIST : MORE;
            }
            case RST_STREAM -> {
                if (++s.resets > s.resetsPerSecond) {
                    return RAPID_RESET;
                }
                s.clientReset(stream);
                return MORE;
            }
            case SETTINGS -> {
                if ((flags & ACK) != 0) {
                    return MORE;
                }
                s.lastWindowNanos = now;
                return ++s.settings > MAX_SETTINGS_PER_SECOND ? SETTINGS_FLOOD : MORE;
            }
            case PING -> {
                return (flags & ACK) == 0 && ++s.pings > MAX_PINGS_PER_SECOND ? PING_FLOOD : MORE;
            }
            case WINDOW_UPDATE -> {
                s.lastWindowNanos = now;
                return MORE;
            }
            default -> {
                return MORE;
            }
        }
    }
}
