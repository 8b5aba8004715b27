package dev.gateway.node.server;

import org.glassfish.grizzly.Buffer;

/**
 * Follows a request head through raw bytes, line by line, without consuming them, and judges
 * it before the HTTP codec does: too large, a malformed request line, obsolete line folding,
 * or ambiguous framing (Content-Length beside Transfer-Encoding, or Content-Length twice: the
 * request smuggling vectors of RFC 9112 6.3 and 11.2).
 */
final class HeadScanner {
    static final int MORE = 0;
    static final int HEAD_DONE = 1;
    static final int TOO_LARGE = 2;
    static final int OBS_FOLD = 3;
    static final int BAD_REQUEST_LINE = 4;
    static final int AMBIGUOUS_FRAMING = 5;
    static final int BAD_HEADER_LINE = 6;

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes();
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes();

    private HeadScanner() {
    }

    static int scan(HeadState s, Buffer buffer, int maxHeadBytes) {
        for (int i = buffer.position(), end = buffer.limit(); i < end; i++) {
            byte b = buffer.get(i);
            if (++s.bytes > maxHeadBytes) {
                return TOO_LARGE;
            }
            if (b != '\n') {
                s.append(b);
                continue;
            }
            int length = s.lineLength > 0 && s.line[s.lineLength - 1] == '\r' ? s.lineLength - 1 : s.lineLength;
            s.lineLength = 0;
            int verdict = endOfLine(s, length);
            if (verdict != MORE) {
                return verdict;
            }
        }
        return MORE;
    }

    private static int endOfLine(HeadState s, int length) {
        byte[] line = s.line;
        if (!s.pastRequestLine) {
            if (length == 0) {
                s.bytes = 0; // empty lines before a request line are tolerated (RFC 9112 2.2)
                return MORE;
            }
            if (!validRequestLine(line, length)) {
                return BAD_REQUEST_LINE;
            }
            s.pastRequestLine = true;
            return MORE;
        }
        if (length == 0) {
            if (s.contentLengths > 1 || (s.contentLengths == 1 && s.transferEncoding)) {
                return AMBIGUOUS_FRAMING;
            }
            s.inMessage = true;
            s.startNanos = 0;
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
        if (startsWithIgnoreCase(line, length, CONTENT_LENGTH)) {
            if (!digitsOnly(line, colon + 1, length)) {
                return BAD_HEADER_LINE;
            }
            s.contentLengths++;
        } else if (startsWithIgnoreCase(line, length, TRANSFER_ENCODING)) {
            s.transferEncoding = true;
        }
        return MORE;
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
        if (length < lowerPrefix.length) {
            return false;
        }
        for (int i = 0; i < lowerPrefix.length; i++) {
            int c = line[i];
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
