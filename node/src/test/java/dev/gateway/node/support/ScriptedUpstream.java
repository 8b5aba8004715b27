package dev.gateway.node.support;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket upstream whose answer to each request path is a script: bytes to write, pauses,
 * and whether to then stall (keep the connection open and silent until the peer closes it).
 * Requests must have no body. Counts connections opened and connections the peer closed, so a
 * test can see that the gateway let go of a stalled connection.
 */
public final class ScriptedUpstream implements Closeable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-upstream");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByPeer = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    /** One step of an answer: bytes to write, then a pause. */
    public record Step(byte[] bytes, long pauseMillis) {
        public static Step write(String text) {
            return new Step(text.getBytes(StandardCharsets.ISO_8859_1), 0);
        }

        public static Step write(byte[] bytes) {
            return new Step(bytes, 0);
        }

        public static Step pause(long millis) {
            return new Step(new byte[0], millis);
        }
    }

    /** The answer to one path: the steps in order, then stall (keep silent) or carry on with the next request. */
    public record Script(List<Step> steps, boolean stall) {
    }

    private ScriptedUpstream(ServerSocket server) {
        this.server = server;
        threads.execute(this::acceptLoop);
    }

    public static ScriptedUpstream start() throws IOException {
        return start(InetAddress.getLoopbackAddress(), 0);
    }

    public static ScriptedUpstream start(InetAddress address, int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(address, port), 50);
        return new ScriptedUpstream(server);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Answers {@code path} with {@code steps}, then keeps the connection silent until the peer closes it. */
    public ScriptedUpstream stallAfter(String path, Step... steps) {
        scripts.put(path, new Script(List.of(steps), true));
        return this;
    }

    /** Answers {@code path} with {@code steps} and then reads the next request on the connection. */
    public ScriptedUpstream answer(String path, Step... steps) {
        scripts.put(path, new Script(List.of(steps), false));
        return this;
    }

    public int connectionsAccepted() {
        return accepted.get();
    }

    /** Request heads read, on every connection. */
    public int requestsReceived() {
        return requests.get();
    }

    /** Connections on which the peer (the gateway) closed its side first. */
    public int connectionsClosedByPeer() {
        return closedByPeer.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
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
            for (;;) {
                String head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet();
                    return;
                }
                requests.incrementAndGet();
                String path = head.split(" ", 3)[1];
                Script script = scripts.get(path);
                if (script == null) {
                    out.write(("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    continue;
                }
                for (Step step : script.steps()) {
                    out.write(step.bytes());
                    out.flush();
                    if (step.pauseMillis() > 0) {
                        TimeUnit.MILLISECONDS.sleep(step.pauseMillis());
                    }
                }
                if (script.stall()) {
                    // silent until the peer closes (read returns -1) or the socket breaks
                    while (in.read() >= 0) {
                        // ignore anything the peer sends
                    }
                    closedByPeer.incrementAndGet();
                    return;
                }
            }
        } catch (SocketException e) {
            if (!server.isClosed()) {
                closedByPeer.incrementAndGet(); // reset by the peer
            }
        } catch (IOException | InterruptedException e) {
            // the test is over, or the peer went away mid-write
        }
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
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
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
