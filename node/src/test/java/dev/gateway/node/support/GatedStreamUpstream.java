package dev.gateway.node.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A raw-socket upstream that streams a chunked response one piece at a time, each piece only
 * after the test said it may: it writes the head and the first piece, then waits for
 * {@link #sendNext()} before each following piece and before the last chunk. A test that waits
 * to see a piece at the client before calling {@code sendNext} proves that the piece was not
 * held back until the response ended. A wait longer than {@value #GATE_SECONDS} s gives up and
 * closes the connection. Requests must have no body; connections are kept alive.
 */
public final class GatedStreamUpstream implements Closeable {
    private static final long GATE_SECONDS = 30;

    /** The answer to one path: its Content-Type, any extra header lines, and the pieces of its body. */
    private record Stream(String contentType, String extraHeaders, List<String> pieces) {
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "gated-upstream");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    /** The gate of the stream being served; each stream has its own, so a stale one cannot take a release. */
    private final AtomicReference<Semaphore> gate = new AtomicReference<>(new Semaphore(0));

    private GatedStreamUpstream(ServerSocket server) {
        this.server = server;
        threads.execute(this::acceptLoop);
    }

    public static GatedStreamUpstream start() throws IOException {
        return new GatedStreamUpstream(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Answers {@code path} with a 200 of {@code contentType} whose body is {@code pieces}, one chunk each; an empty
     * piece writes nothing and only waits for {@link #sendNext()}.
     */
    public GatedStreamUpstream stream(String path, String contentType, String extraHeaders, List<String> pieces) {
        streams.put(path, new Stream(contentType, extraHeaders, pieces));
        return this;
    }

    /** Lets the stream being served write its next piece (or, after the last, end the body). */
    public void sendNext() {
        gate.get().release();
    }

    /** How many requests for {@code path} reached this upstream. */
    public int served(String path) {
        AtomicInteger n = served.get(path);
        return n == null ? 0 : n.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (String head; (head = readHead(in)) != null; ) {
                String path = head.split(" ", 3)[1];
                Stream stream = streams.get(path);
                if (stream == null) {
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    continue;
                }
                served.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                Semaphore next = new Semaphore(0);
                gate.set(next);
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: " + stream.contentType() + "\r\n" + stream.extraHeaders()
                        + "Transfer-Encoding: chunked\r\n\r\n");
                for (String piece : stream.pieces()) {
                    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
                    if (bytes.length > 0) { // an empty piece only waits: the head alone goes out first
                        write(out, Integer.toHexString(bytes.length) + "\r\n" + piece + "\r\n");
                    }
                    if (!next.tryAcquire(GATE_SECONDS, TimeUnit.SECONDS)) {
                        return; // nobody saw the piece: give up, close
                    }
                }
                write(out, "0\r\n\r\n");
            }
        } catch (IOException | InterruptedException e) {
            // the test is over, or the peer went away
        } finally {
            sockets.remove(socket);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 64 * 1024) {
                throw new IOException("request head too large");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
    }
}
