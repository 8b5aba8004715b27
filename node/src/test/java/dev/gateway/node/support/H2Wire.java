package dev.gateway.node.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A hand-written HTTP/2 client over a plain socket (prior knowledge), for what a real client would never send:
 * floods of resets, CONTINUATION frames, SETTINGS and PINGs, header blocks past the limits, windows kept shut.
 * Header blocks are HPACK literals without indexing or Huffman coding (RFC 7541 6.2.2), which any decoder reads.
 */
public final class H2Wire implements AutoCloseable {
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;
    public static final int END_STREAM = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int ENHANCE_YOUR_CALM = 0xb;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One frame as read. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        /** The error code of a GOAWAY (bytes 4-7) or RST_STREAM (bytes 0-3). */
        public int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return (payload[at] & 0xff) << 24 | (payload[at + 1] & 0xff) << 16 | (payload[at + 2] & 0xff) << 8
                    | (payload[at + 3] & 0xff);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private H2Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Connects to the loopback {@code port} and sends the client preface with {@code settings} (id to value). */
    public static H2Wire connect(int port, Map<Integer, Integer> settings) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        H2Wire wire = new H2Wire(socket);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        settings.forEach((id, value) -> {
            payload.write(id >>> 8);
            payload.write(id);
            writeInt(payload, value);
        });
        // the preface and the first SETTINGS in one write, as HTTP/2 clients send them (connectInPieces cuts them)
        ByteArrayOutputStream start = new ByteArrayOutputStream();
        start.write(PREFACE);
        start.write(frameBytes(SETTINGS, 0, 0, payload.toByteArray()));
        wire.out.write(start.toByteArray());
        return wire;
    }

    /**
     * Connects to the loopback {@code port} with TCP_NODELAY and sends the client preface, a SETTINGS frame (one
     * setting, ENABLE_PUSH 0: 15 bytes) and the request {@code GET path} on stream 1, cut at {@code cuts} (offsets into those bytes, ascending): each piece is
     * its own write, followed by a pause of {@code pauseMillis} so that the node reads it alone (TCP may still join
     * pieces on a loaded machine; a joined piece only makes the case an easier one).
     */
    public static H2Wire connectInPieces(int port, String path, long pauseMillis, int... cuts)
            throws IOException, InterruptedException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        H2Wire wire = new H2Wire(socket);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(PREFACE);
        all.write(frameBytes(SETTINGS, 0, 0, new byte[] {0, 0x2, 0, 0, 0, 0}));
        all.write(frameBytes(HEADERS, END_HEADERS | END_STREAM, 1, headerBlock("GET", path)));
        byte[] bytes = all.toByteArray();
        int from = 0;
        for (int cut : cuts) {
            wire.out.write(bytes, from, cut - from);
            wire.out.flush();
            Thread.sleep(pauseMillis);
            from = cut;
        }
        wire.out.write(bytes, from, bytes.length - from);
        wire.out.flush();
        return wire;
    }

    /** A request head block: the four pseudo-headers and {@code extra} name/value pairs. */
    public static byte[] headerBlock(String method, String path, String... extra) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", method);
        literal(block, ":scheme", "http");
        literal(block, ":path", path);
        literal(block, ":authority", "localhost");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            literal(block, extra[i], extra[i + 1]);
        }
        return block.toByteArray();
    }

    /**
     * An HPACK bomb: a request head that adds one field of {@code valueBytes} to the dynamic table (literal with
     * incremental indexing) and then names it {@code references} times more, one byte each (indexed field 62).
     */
    public static byte[] bombBlock(String path, int valueBytes, int references) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(headerBlock("GET", path));
        block.write(0x40); // literal with incremental indexing, new name
        string(block, "x-bomb");
        string(block, "b".repeat(valueBytes));
        for (int i = 0; i < references; i++) {
            block.write(0x80 | 62);
        }
        return block.toByteArray();
    }

    /** Writes one frame (not flushed beyond the socket's own buffer). */
    public H2Wire frame(int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(frameBytes(type, flags, stream, payload)); // one write per frame, as clients do
        return this;
    }

    private static byte[] frameBytes(int type, int flags, int stream, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        byte[] head = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24 & 0x7f), (byte) (stream >>> 16), (byte) (stream >>> 8),
                (byte) stream};
        System.arraycopy(head, 0, frame, 0, 9);
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    public H2Wire request(int stream, String method, String path, boolean endStream) throws IOException {
        return frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, headerBlock(method, path));
    }

    public H2Wire reset(int stream) throws IOException {
        return frame(RST_STREAM, 0, stream, intBytes(0x8)); // CANCEL
    }

    public H2Wire ping(long data) throws IOException {
        byte[] payload = new byte[8];
        for (int i = 0; i < 8; i++) {
            payload[i] = (byte) (data >>> (56 - 8 * i));
        }
        return frame(PING, 0, 0, payload);
    }

    public H2Wire windowUpdate(int stream, int increment) throws IOException {
        return frame(WINDOW_UPDATE, 0, stream, intBytes(increment));
    }

    /**
     * Reads frames until one of {@code type} arrives (returned), the connection ends (null), or 10 s pass
     * without a byte (SocketTimeoutException).
     */
    public Frame awaitFrame(int type) throws IOException {
        while (true) {
            Frame f = read();
            if (f == null || f.type() == type) {
                return f;
            }
        }
    }

    /** The next frame, or null at the end of the stream (or a reset connection). */
    public Frame read() throws IOException {
        byte[] head = new byte[9];
        try {
            in.readFully(head);
        } catch (EOFException e) {
            return null;
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return null; // reset by the server after its GOAWAY
        }
        int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | (head[2] & 0xff);
        byte[] payload = new byte[length];
        try {
            in.readFully(payload);
        } catch (IOException e) {
            return null;
        }
        int stream = (head[5] & 0x7f) << 24 | (head[6] & 0xff) << 16 | (head[7] & 0xff) << 8 | (head[8] & 0xff);
        return new Frame(head[3] & 0xff, head[4] & 0xff, stream, payload);
    }

    /** True when the server has closed the connection: reads see its end (after any frames left). */
    public boolean closedByServer() throws IOException {
        while (true) {
            if (read() == null) {
                return true;
            }
        }
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0x00); // literal header field without indexing, new name
        string(block, name);
        string(block, value);
    }

    private static void string(ByteArrayOutputStream block, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(block, bytes.length, 7, 0);
        block.writeBytes(bytes);
    }

    /** RFC 7541 5.1: an integer with an n-bit prefix. */
    private static void integer(ByteArrayOutputStream block, int value, int prefixBits, int high) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            block.write(high | value);
            return;
        }
        block.write(high | max);
        value -= max;
        while (value >= 128) {
            block.write(value % 128 + 128);
            value /= 128;
        }
        block.write(value);
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.writeBytes(intBytes(v));
    }
}
