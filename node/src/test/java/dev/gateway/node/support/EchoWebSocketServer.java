package dev.gateway.node.support;

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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal RFC 6455 echo server on a raw loopback socket, a thread per connection: answers the handshake with 101
 * (or 403 for paths under {@code /refuse}), echoes each whole message back as one unmasked frame, answers pings, and
 * replies to a close with the same code and closes; under {@code /ws/greet} it sends a text "hello" in the same
 * write as its 101. Text commands: {@code close-me:<code>} makes it send a close
 * frame itself; {@code drop-me} makes it close the socket without one. It records the handshakes it saw, the close
 * codes it received and how many connections are open.
 */
public final class EchoWebSocketServer implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<String> handshakes = new CopyOnWriteArrayList<>();
    private final List<Integer> closesReceived = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong bytesEchoed = new java.util.concurrent.atomic.AtomicLong();

    private EchoWebSocketServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "ws-echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static EchoWebSocketServer start() throws IOException {
        return new EchoWebSocketServer();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The request heads of the handshakes received, in order. */
    public List<String> handshakes() {
        return List.copyOf(handshakes);
    }

    /** Close codes received from clients (the gateway), in order; 1005 for a close without a code. */
    public List<Integer> closesReceived() {
        return List.copyOf(closesReceived);
    }

    /** Payload bytes of the messages echoed so far (written whole to the socket). */
    public long bytesEchoed() {
        return bytesEchoed.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "ws-echo-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        open.incrementAndGet();
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String head = readHead(in);
            handshakes.add(head);
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            if (path.startsWith("/refuse")) {
                out.write(("HTTP/1.1 403 Forbidden\r\nContent-Length: 7\r\nContent-Type: text/plain\r\n\r\nrefused")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return;
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((header(head, "sec-websocket-key") + GUID).getBytes(StandardCharsets.ISO_8859_1)));
            ByteArrayOutputStream switched = new ByteArrayOutputStream();
            switched.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (path.startsWith("/ws/greet")) {
                switched.writeBytes(new byte[] {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'}); // in the 101's own packet
            }
            out.write(switched.toByteArray());
            out.flush();
            echo(in, out, socket);
        } catch (Exception e) {
            // the peer went away
        } finally {
            open.decrementAndGet();
        }
    }

    private void echo(InputStream in, OutputStream out, Socket socket) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = 0;
        while (true) {
            int b0 = readByte(in);
            int b1 = readByte(in);
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (readByte(in) << 8) | readByte(in);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | readByte(in);
                }
            }
            byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new EOFException();
            }
            if (mask != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
            }
            switch (opcode) {
                case 8 -> {
                    int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    closesReceived.add(code);
                    write(out, 8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                    return;
                }
                case 9 -> write(out, 10, payload);
                case 10 -> {
                }
                default -> {
                    if (opcode != 0) {
                        messageOpcode = opcode;
                    }
                    message.writeBytes(payload);
                    if (fin) {
                        byte[] whole = message.toByteArray();
                        message.reset();
                        String text = messageOpcode == 1 ? new String(whole, StandardCharsets.UTF_8) : "";
                        if (text.startsWith("close-me:")) {
                            int code = Integer.parseInt(text.substring(9));
                            write(out, 8, new byte[] {(byte) (code >> 8), (byte) code});
                        } else if (text.equals("drop-me")) {
                            socket.close();
                            return;
                        } else {
                            write(out, messageOpcode, whole);
                            bytesEchoed.addAndGet(whole.length);
                        }
                    }
                }
            }
        }
    }

    private static void write(OutputStream out, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        int n = payload.length;
        if (n < 126) {
            frame.write(n);
        } else if (n < 65536) {
            frame.write(126);
            frame.write(n >> 8);
            frame.write(n);
        } else {
            frame.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) n >> shift));
            }
        }
        frame.writeBytes(payload);
        synchronized (out) {
            out.write(frame.toByteArray());
            out.flush();
        }
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = readByte(in);
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The value of header {@code name} (lower case) in {@code head}, or null. */
    public static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        List<Socket> all = new ArrayList<>(sockets);
        for (Socket s : all) {
            s.close();
        }
    }
}
