package dev.gateway.node.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a plain {@link ServerSocket} that records exactly what reaches it: connections
 * accepted, request heads received (raw bytes as text) and complete requests with the length
 * and SHA-256 of their body. It answers {@code 200 ok} with keep-alive, plus any extra response
 * header lines set with {@link #respondWithHeaders} (or exactly the bytes given to
 * {@link #respondRawAndClose}). Requests whose path starts with
 * {@code /hold} are answered only after {@link #releaseHeld()}.
 */
public final class RecordingUpstream implements AutoCloseable {
    private static final int MAX_HEAD_BYTES = 256 * 1024;

    /** One request as received. */
    public record Recorded(String method, String target, String rawHead, List<String[]> headers,
                           long bodyBytes, String bodySha256) {
        /** The first value of {@code name} (case-insensitive), or null. */
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public List<String> headerNames() {
            return headers.stream().map(h -> h[0]).toList();
        }
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recording-upstream");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger heads = new AtomicInteger();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch held = new CountDownLatch(1);
    private volatile List<String> extraHeaders = List.of();
    private volatile byte[] rawResponse;

    private RecordingUpstream(ServerSocket server) {
        this.server = server;
    }

    public static RecordingUpstream start() throws IOException {
        RecordingUpstream upstream = new RecordingUpstream(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        upstream.threads.execute(upstream::acceptLoop);
        return upstream;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Request heads received so far, complete requests or not. */
    public int heads() {
        return heads.get();
    }

    /** Requests received whole (head and complete body). */
    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public Recorded lastRequest() {
        List<Recorded> all = requests();
        if (all.isEmpty()) {
            throw new AssertionError("the upstream received no request");
        }
        return all.get(all.size() - 1);
    }

    /** Forgets what was recorded, and holds {@code /hold} requests again until {@link #releaseHeld()}. */
    public void reset() {
        held.countDown();
        held = new CountDownLatch(1);
        requests.clear();
        heads.set(0);
        connections.set(0);
        extraHeaders = List.of();
        rawResponse = null;
    }

    public void releaseHeld() {
        held.countDown();
    }

    /**
     * Answers every following request with exactly these bytes (ISO-8859-1) and then closes the
     * connection: for responses framed by the connection's end, or cut short.
     */
    public void respondRawAndClose(String response) {
        rawResponse = response.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Extra lines ({@code Name: value}) for every following response head. */
    public void respondWithHeaders(String... lines) {
        extraHeaders = List.of(lines);
    }

    @Override
    public void close() throws IOException {
        held.countDown();
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                sockets.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = socket.getOutputStream();
            for (int served = 0; served < 1_000_000; served++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                heads.incrementAndGet();
                String[] lines = head.split("\r\n");
                String[] requestLine = lines[0].split(" ");
                List<String[]> headers = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
                    }
                }
                MessageDigest sha = sha256();
                long bodyBytes = readBody(in, headers, sha);
                Recorded recorded = new Recorded(requestLine[0], requestLine.length > 1 ? requestLine[1] : "", head,
                        List.copyOf(headers), bodyBytes, HexFormat.of().formatHex(sha.digest()));
                requests.add(recorded);
                if (recorded.target().startsWith("/hold")) {
                    held.await(30, TimeUnit.SECONDS);
                }
                byte[] raw = rawResponse;
                if (raw != null) {
                    out.write(raw);
                    out.flush();
                    return;
                }
                byte[] body = ("ok " + recorded.method() + " " + recorded.target()).getBytes(StandardCharsets.UTF_8);
                StringBuilder response = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n");
                response.append("Content-Length: ").append(body.length).append("\r\n");
                for (String line : extraHeaders) {
                    response.append(line).append("\r\n");
                }
                response.append("\r\n");
                out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                String connection = recorded.header("Connection");
                if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the peer went away mid-request: nothing more to record
        } finally {
            sockets.remove(socket);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (head.size() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                byte[] bytes = head.toByteArray();
                return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("request head too large");
    }

    /** Reads the body framed by the head, feeding {@code sha}; throws when the connection ends first. */
    private static long readBody(InputStream in, List<String[]> headers, MessageDigest sha) throws IOException {
        String te = null;
        String cl = null;
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase("Transfer-Encoding")) {
                te = h[1];
            } else if (h[0].equalsIgnoreCase("Content-Length")) {
                cl = h[1];
            }
        }
        byte[] buf = new byte[64 * 1024];
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            long total = 0;
            for (int chunks = 0; chunks < 10_000_000; chunks++) {
                String sizeLine = readLine(in);
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailer fields
                    }
                    return total;
                }
                copy(in, size, buf, sha);
                total += size;
                readLine(in);
            }
            throw new IOException("too many chunks");
        }
        if (cl != null) {
            long length = Long.parseLong(cl.trim());
            copy(in, length, buf, sha);
            return length;
        }
        return 0;
    }

    private static void copy(InputStream in, long length, byte[] buf, MessageDigest sha) throws IOException {
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("body ended early");
            }
            sha.update(buf, 0, n);
            left -= n;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 8192; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("body ended early");
            }
            if (b == '\n') {
                int len = line.length();
                return len > 0 && line.charAt(len - 1) == '\r' ? line.substring(0, len - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new IOException("line too long");
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }
}
