package dev.gateway.node.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bare HTTP/1.1 client on one socket, for what {@code java.net.http} forbids: any Host,
 * Connection or Transfer-Encoding header, hop-by-hop fields, malformed requests. Writes exactly
 * the bytes given; reads one response at a time (head, then a body framed by Content-Length,
 * chunked encoding or the end of the connection). Every read has a timeout.
 */
public final class RawHttp implements Closeable {
    private static final int MAX_HEAD_BYTES = 256 * 1024;
    private static final int MAX_UNFRAMED_BODY = 16 * 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    public static RawHttp connect(int port) throws IOException {
        return connect(port, 5000);
    }

    public static RawHttp connect(int port, int readTimeoutMillis) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(readTimeoutMillis);
        return new RawHttp(socket);
    }

    /** Speaks over an already connected socket (a handshaken TLS socket, say); closing closes it. */
    public static RawHttp over(Socket socket) throws IOException {
        return new RawHttp(socket);
    }

    /**
     * Connects from a chosen local address ({@code 127.0.0.5}: any address of 127.0.0.0/8 is this
     * machine's), so that a node sees a client other than 127.0.0.1.
     */
    public static RawHttp connectFrom(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new RawHttp(socket);
    }

    /** Opens a connection, sends {@code request}, reads one response, closes. */
    public static Response exchange(int port, String request) throws IOException {
        try (RawHttp http = connect(port)) {
            http.send(request);
            return http.readResponse();
        }
    }

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public InputStream input() {
        return in;
    }

    public Response readResponse() throws IOException {
        return readResponse(false);
    }

    /** @param headRequest the response answers a HEAD request: it has no body whatever its headers say */
    public Response readResponse(boolean headRequest) throws IOException {
        Response head = readHead();
        int status = head.status();
        if (headRequest || status < 200 || status == 204 || status == 304) {
            return head;
        }
        return head.withBody(readBody(head));
    }

    /** Reads the status line and headers only; the body stays unread in {@link #input()}. */
    public Response readHead() throws IOException {
        String text = readHeadText();
        if (text == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] lines = text.split("\r\n");
        String statusLine = lines[0];
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
            }
        }
        return new Response(statusLine, Integer.parseInt(parts[1]), headers, text, new byte[0]);
    }

    /**
     * True when the peer closed the connection: a read returns end of stream within the socket
     * timeout. A byte that arrives instead stays unread.
     */
    public boolean closedByPeer() throws IOException {
        try {
            in.mark(1);
            int b = in.read();
            if (b >= 0) {
                in.reset();
            }
            return b < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** True when nothing at all (no byte, no end of stream) arrives within the socket timeout; reads nothing. */
    public boolean silentForReadTimeout() throws IOException {
        try {
            in.mark(1);
            int b = in.read();
            if (b >= 0) {
                in.reset();
            }
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readHeadText() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                byte[] bytes = head.toByteArray();
                return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("response head larger than " + MAX_HEAD_BYTES + " bytes");
    }

    private byte[] readBody(Response head) throws IOException {
        String te = head.header("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunked();
        }
        String cl = head.header("Content-Length");
        if (cl != null) {
            return in.readNBytes(Integer.parseInt(cl.trim()));
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while (body.size() < MAX_UNFRAMED_BODY && (n = in.read(buf)) > 0) {
            body.write(buf, 0, n);
        }
        return body.toByteArray();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int chunks = 0; chunks < 1_000_000; chunks++) {
            String sizeLine = readLine();
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers: ignored
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            readLine();
        }
        throw new IOException("too many chunks");
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 8192; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed mid-body");
            }
            if (b == '\n') {
                int len = line.length();
                return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("line too long");
    }

    /** One response: status, headers in order (names as sent), raw head text and body. */
    public record Response(String statusLine, int status, List<String[]> headerList, String rawHead, byte[] body) {

        Response withBody(byte[] newBody) {
            return new Response(statusLine, status, headerList, rawHead, newBody);
        }

        /** The first value of {@code name} (case-insensitive), or null. */
        public String header(String name) {
            for (String[] h : headerList) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public List<String> headerNames() {
            return headerList.stream().map(h -> h[0]).toList();
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
