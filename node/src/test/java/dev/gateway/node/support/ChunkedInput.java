package dev.gateway.node.support;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The decoded bytes of a chunked body (RFC 9112 7.1), read lazily: a read blocks only until some
 * byte of the current chunk is there, never for a whole chunk or the rest of the body, so a test
 * sees each chunk as it arrives. Ends (returns -1) after the last chunk and its trailers.
 */
final class ChunkedInput extends InputStream {
    private final InputStream in;
    private long remaining;
    private boolean ended;

    ChunkedInput(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("connection closed mid-chunk");
        }
        remaining -= n;
        if (remaining == 0) {
            line(); // the CRLF after the chunk's data
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(remaining, in.available());
    }

    /** Reads the next chunk-size line; false (after reading the trailers) at the last chunk. */
    private boolean nextChunk() throws IOException {
        if (ended) {
            return false;
        }
        String size = line();
        int semicolon = size.indexOf(';');
        remaining = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        if (remaining == 0) {
            ended = true;
            while (!line().isEmpty()) {
                // trailers: ignored
            }
            return false;
        }
        return true;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 8192; i++) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed inside chunk framing");
            }
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) c);
        }
        throw new IOException("chunk framing line too long");
    }
}
