package dev.gateway.node.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A GET whose response body a test reads piece by piece as it arrives: the head first, then the
 * decoded body (chunked, or up to the end of the connection; gunzipped when the response says
 * {@code Content-Encoding: gzip}). Every read waits at most the read timeout and fails with
 * {@link SocketTimeoutException} after it.
 */
public final class StreamingGet implements Closeable {
    private final RawHttp http;
    private final RawHttp.Response head;
    private InputStream body;

    private StreamingGet(RawHttp http, RawHttp.Response head) {
        this.http = http;
        this.head = head;
    }

    /** Sends {@code GET path} with the extra {@code headerLines} (each ending in CRLF) and reads the response head. */
    public static StreamingGet open(int port, String path, String headerLines, int readTimeoutMillis) throws IOException {
        RawHttp http = RawHttp.connect(port, readTimeoutMillis);
        try {
            http.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headerLines + "\r\n");
            return new StreamingGet(http, http.readHead());
        } catch (IOException | RuntimeException e) {
            http.close();
            throw e;
        }
    }

    public RawHttp.Response head() {
        return head;
    }

    /** The next server-sent event: everything up to and including the blank line that ends it. */
    public String nextEvent() throws IOException {
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        InputStream in = body();
        int previous = -1;
        for (int i = 0; i < 1 << 20; i++) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("body ended inside an event: " + event.toString(StandardCharsets.UTF_8));
            }
            event.write(b);
            if (b == '\n' && previous == '\n') {
                return event.toString(StandardCharsets.UTF_8);
            }
            previous = b;
        }
        throw new IOException("event larger than 1 MiB");
    }

    /** Exactly {@code n} more bytes of the body, as text. */
    public String next(int n) throws IOException {
        byte[] bytes = body().readNBytes(n);
        if (bytes.length < n) {
            throw new IOException("body ended after " + bytes.length + " of " + n + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether the body ends here (nothing more, then its end). */
    public boolean ended() throws IOException {
        return body().read() < 0;
    }

    private InputStream body() throws IOException {
        if (body == null) {
            String te = head.header("Transfer-Encoding");
            InputStream decoded = te != null && te.toLowerCase(Locale.ROOT).contains("chunked")
                    ? new ChunkedInput(http.input()) : http.input();
            body = "gzip".equalsIgnoreCase(head.header("Content-Encoding")) ? new GZIPInputStream(decoded, 512) : decoded;
        }
        return body;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
