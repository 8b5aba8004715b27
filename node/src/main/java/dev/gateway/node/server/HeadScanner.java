package dev.gateway.node.server;

import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;

/**
 * Follows requests through raw bytes without consuming them: each head line by line, then its
 * body's framing (Content-Length bytes, or chunk-size lines, chunk data and trailers), so that
 * the next head is found wherever it starts, pipelined in the same read or not. A head is
 * judged before the HTTP codec sees it: too large, a malformed request line, obsolete line folding,
 * or ambiguous framing (Content-Length beside Transfer-Encoding, or Content-Length twice: the
 * request smuggling vectors of RFC 9112 6.3 and 11.2), or a Transfer-Encoding other than plain
 * {@code chunked} in HTTP/1.1 (RFC 9112 6.1, 6.3: whose body's end a codec may not find where
 * the client meant). The Host header is judged here too (RFC 9112 3.2, 3.2.2): exactly one in HTTP/1.1, a
 * valid {@code host[:port]}, the same authority as an absolute-form target (which Grizzly would otherwise put
 * silently in Host's place); and header values may hold no control character but HTAB (a bare CR or a NUL
 * is read differently by different parsers).
 */
final class HeadScanner {
    static final int MORE = 0;
    static final int HEAD_DONE = 1;
    static final int TOO_LARGE = 2;
    static final int OBS_FOLD = 3;
    static final int BAD_REQUEST_LINE = 4;
    static final int AMBIGUOUS_FRAMING = 5;
    static final int BAD_HEADER_LINE = 6;
    /** Transfer-Encoding in HTTP/1.0, or with a final coding other than chunked: the body's end is unknown. */
    static final int BAD_TRANSFER_ENCODING = 7;
    /** A transfer coding before chunked (gzip, chunked): one the gateway cannot pass on. */
    static final int UNSUPPORTED_TRANSFER_CODING = 8;
    /** A chunk-size line that is not hex digits (RFC 9112 7.1), or a chunk not followed by CRLF. */
    static final int BAD_CHUNK = 9;
    /** More than one Host field line (RFC 9112 3.2). */
    static final int DUPLICATE_HOST = 10;
    /** An HTTP/1.1 request without Host (RFC 9112 3.2). */
    static final int MISSING_HOST = 11;
    /** A Host value that is not {@code host[:port]} (RFC 9110 7.2): no '/', '@', '?', '#', '\\', white space. */
    static final int BAD_HOST = 12;
    /** A Host that names another authority than the absolute-form request target (RFC 9112 3.2.2). */
    static final int HOST_MISMATCH = 13;
    /** An absolute-form request target that is not {@code http(s)://host[:port]...}, or has userinfo (RFC 9110 4.2.4). */
    static final int BAD_TARGET_AUTHORITY = 14;
    /** A control character (CTL other than HTAB: NUL, a bare CR, ESC, DEL...) in a header field value (RFC 9110 5.5). */
    static final int CONTROL_CHARACTER = 15;

    /** The HTTP/2 client preface's first line ({@code PRI * HTTP/2.0}) on a connection that may speak HTTP/2. */
    static final int H2_PREFACE = 16;

    /** Phases of {@link HeadState#phase}. */
    static final int HEAD = 0;
    static final int FIXED_BODY = 1;
    static final int CHUNK_SIZE = 2;
    static final int CHUNK_EXTENSION = 3;
    static final int CHUNK_DATA = 4;
    static final int CHUNK_DATA_CR = 5;
    static final int CHUNK_DATA_LF = 6;
    static final int TRAILERS = 7;
    /** The rest of the HTTP/2 client preface after its first line: {@code \r\nSM\r\n\r\n}. */
    static final int H2_PREFACE_REST = 8;
    /** HTTP/2 frames, to the end of the connection: {@link H2FrameScanner}'s. */
    static final int H2_FRAMES = 9;
    private static final byte[] PRI_LINE = "PRI * HTTP/2.0".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_CHUNK = 1L << 40;

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes();
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes();
    private static final byte[] CHUNKED = "chunked".getBytes();
    private static final byte[] HOST = "host:".getBytes();

    private HeadScanner() {
    }

    /**
     * Follows {@code buffer}'s bytes; returns {@link #MORE} when all is well (whatever the
     * phase), else the verdict on the head or chunked body found at fault.
     */
    static int scan(HeadState s, Buffer buffer, int maxHeadBytes) {
        int i = buffer.position();
        int end = buffer.limit();
        while (i < end) {
            if (s.phase == H2_FRAMES) {
                return H2FrameScanner.scan(s.h2Frames, buffer, i, System.nanoTime());
            }
            if (s.phase == H2_PREFACE_REST) {
                long skip = Math.min(s.remaining, end - i);
                i += (int) skip;
                s.remaining -= skip;
                if (s.remaining == 0) {
                    s.phase = H2_FRAMES;
                }
                continue;
            }
            if (s.phase == FIXED_BODY || s.phase == CHUNK_DATA) {
                long skip = Math.min(s.remaining, end - i);
                i += (int) skip;
                s.remaining -= skip;
                if (s.remaining == 0) {
                    if (s.phase == FIXED_BODY) {
                        messageDone(s);
                    } else {
                        s.phase = CHUNK_DATA_CR;
                    }
                }
                continue;
            }
            byte b = buffer.get(i++);
            int verdict = s.phase == HEAD ? headByte(s, b, maxHeadBytes) : chunkByte(s, b);
            if (verdict != MORE) {
                return verdict;
            }
        }
        return MORE;
    }

    private static int headByte(HeadState s, byte b, int maxHeadBytes) {
        if (s.startNanos == 0) {
            s.startNanos = System.nanoTime();
        }
        if (++s.bytes > maxHeadBytes) {
            return TOO_LARGE;
        }
        if (b != '\n') {
            s.append(b);
            return MORE;
        }
        int length = s.lineLength > 0 && s.line[s.lineLength - 1] == '\r' ? s.lineLength - 1 : s.lineLength;
        s.lineLength = 0;
        int verdict = endOfLine(s, length);
        if (verdict == HEAD_DONE) {
            startBody(s);
            return MORE;
        }
        if (verdict == H2_PREFACE) {
            s.h2 = true;
            s.startNanos = 0;
            s.phase = H2_PREFACE_REST;
            s.remaining = 8;
            return MORE;
        }
        return verdict;
    }

    /** After a head: where its body ends (RFC 9112 6.3: chunked, else Content-Length, else none). */
    private static void startBody(HeadState s) {
        s.startNanos = 0;
        if (s.transferEncoding) {
            s.phase = CHUNK_SIZE;
            s.remaining = 0;
            s.chunkDigits = false;
        } else if (s.contentLength > 0) {
            s.phase = FIXED_BODY;
            s.remaining = s.contentLength;
        } else {
            messageDone(s);
        }
    }

    private static void messageDone(HeadState s) {
        s.nextHead(0);
    }

    private static int chunkByte(HeadState s, byte b) {
        switch (s.phase) {
            case CHUNK_SIZE -> {
                int digit = Character.digit(b, 16);
                if (digit >= 0) {
                    s.remaining = s.remaining * 16 + digit;
                    s.chunkDigits = true;
                    return s.remaining > MAX_CHUNK ? BAD_CHUNK : MORE;
                }
                if (!s.chunkDigits) {
                    return BAD_CHUNK;
                }
                if (b == ';' || b == ' ' || b == '\t') {
                    s.phase = CHUNK_EXTENSION;
                    return MORE;
                }
                if (b == '\r') {
                    return MORE;
                }
                return b == '\n' ? endOfChunkSize(s) : BAD_CHUNK;
            }
            case CHUNK_EXTENSION -> {
                return b == '\n' ? endOfChunkSize(s) : MORE;
            }
            case CHUNK_DATA_CR -> {
                if (b == '\r') {
                    s.phase = CHUNK_DATA_LF;
                    return MORE;
                }
                return b == '\n' ? nextChunk(s) : BAD_CHUNK;
            }
            case CHUNK_DATA_LF -> {
                return b == '\n' ? nextChunk(s) : BAD_CHUNK;
            }
            case TRAILERS -> {
                if (b == '\n') {
                    if (s.trailerLine == 0) {
                        messageDone(s);
                    }
                    s.trailerLine = 0;
                } else if (b != '\r') {
                    s.trailerLine++;
                }
                return MORE;
            }
            default -> {
                return MORE;
            }
        }
    }

    private static int endOfChunkSize(HeadState s) {
        if (s.remaining == 0) {
            s.phase = TRAILERS;
            s.trailerLine = 0;
        } else {
            s.phase = CHUNK_DATA;
        }
        return MORE;
    }

    private static int nextChunk(HeadState s) {
        s.phase = CHUNK_SIZE;
        s.remaining = 0;
        s.chunkDigits = false;
        return MORE;
    }

    private static int endOfLine(HeadState s, int length) {
        byte[] line = s.line;
        if (!s.pastRequestLine) {
            if (length == 0) {
                s.bytes = 0; // empty lines before a request line are tolerated (RFC 9112 2.2)
                return MORE;
            }
            if (s.h2Frames != null && java.util.Arrays.equals(line, 0, length, PRI_LINE, 0, PRI_LINE.length)) {
                return H2_PREFACE;
            }
            if (!validRequestLine(line, length)) {
                return BAD_REQUEST_LINE;
            }
            s.pastRequestLine = true;
            s.http10 = line[length - 1] == '0';
            return HostChecks.requestTarget(s, line, length);
        }
        if (length == 0) {
            if (s.hosts == 0 && !s.http10) {
                return MISSING_HOST;
            }
            if (s.contentLengths > 1 || (s.contentLengths == 1 && s.transferEncoding)) {
                return AMBIGUOUS_FRAMING;
            }
            if (s.transferEncoding && (s.http10 || !s.lastCodingChunked)) {
                return BAD_TRANSFER_ENCODING;
            }
            if (s.transferCodings > 1) {
                return UNSUPPORTED_TRANSFER_CODING;
            }
            return HEAD_DONE;
        }
        if (line[0] == ' ' || line[0] == '\t') {
            return OBS_FOLD;
        }
        int colon = 0;
        while (colon < length && isTokenChar(line[colon])) {
            colon++;
        }
        if (colon == 0 || colon >= length || line[colon] != ':') {
            return BAD_HEADER_LINE; // no field name, or white space or junk before the colon
        }
        for (int i = colon + 1; i < length; i++) {
            byte b = line[i];
            if ((b >= 0 && b < 0x20 && b != '\t') || b == 0x7f) {
                return CONTROL_CHARACTER;
            }
        }
        if (colon == 4 && startsWithIgnoreCase(line, length, HOST)) {
            return HostChecks.host(s, line, colon + 1, length);
        }
        if (startsWithIgnoreCase(line, length, CONTENT_LENGTH)) {
            if (!digitsOnly(line, colon + 1, length)) {
                return BAD_HEADER_LINE;
            }
            s.contentLengths++;
            s.contentLength = Long.parseLong(new String(line, colon + 1, length - colon - 1,
                    StandardCharsets.ISO_8859_1).trim());
        } else if (startsWithIgnoreCase(line, length, TRANSFER_ENCODING)) {
            s.transferEncoding = true;
            transferCodings(s, line, colon + 1, length);
        }
        return MORE;
    }



    /** Counts the comma-separated codings of a Transfer-Encoding value and notes whether the last is chunked. */
    private static void transferCodings(HeadState s, byte[] line, int from, int to) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && line[i] != ',') {
                continue;
            }
            int a = start;
            int b = i;
            while (a < b && (line[a] == ' ' || line[a] == '\t')) {
                a++;
            }
            while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t')) {
                b--;
            }
            if (a < b) {
                s.transferCodings++;
                s.lastCodingChunked = b - a == 7 && startsWithIgnoreCase(line, a, b, CHUNKED);
            }
            start = i + 1;
        }
    }

    /** A Content-Length value: optional white space around one or more digits. */
    private static boolean digitsOnly(byte[] line, int from, int to) {
        while (from < to && (line[from] == ' ' || line[from] == '\t')) {
            from++;
        }
        while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
            to--;
        }
        if (from == to || to - from > 18) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (line[i] < '0' || line[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code method SP request-target SP HTTP/1.x}, method a token, target without controls. */
    static boolean validRequestLine(byte[] line, int length) {
        int i = 0;
        while (i < length && isTokenChar(line[i])) {
            i++;
        }
        if (i == 0 || i >= length || line[i] != ' ') {
            return false;
        }
        int targetStart = ++i;
        while (i < length && line[i] != ' ') {
            if (line[i] < 0x21 || line[i] == 0x7f) {
                return false;
            }
            i++;
        }
        if (i == targetStart || i >= length) {
            return false;
        }
        i++;
        return length - i == 8 && line[i] == 'H' && line[i + 1] == 'T' && line[i + 2] == 'T' && line[i + 3] == 'P'
                && line[i + 4] == '/' && line[i + 5] == '1' && line[i + 6] == '.'
                && (line[i + 7] == '0' || line[i + 7] == '1');
    }

    private static boolean isTokenChar(byte c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean startsWithIgnoreCase(byte[] line, int length, byte[] lowerPrefix) {
        return startsWithIgnoreCase(line, 0, length, lowerPrefix);
    }

    static boolean startsWithIgnoreCase(byte[] line, int from, int to, byte[] lowerPrefix) {
        if (to - from < lowerPrefix.length) {
            return false;
        }
        for (int i = 0; i < lowerPrefix.length; i++) {
            int c = line[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerPrefix[i]) {
                return false;
            }
        }
        return true;
    }
}
