package dev.gateway.node.upstream.tls;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server that speaks just enough TLS by hand to test what the JDK would not let a test
 * server do: {@link #tls11Only} reads the gateway's ClientHello (and keeps the versions it offers),
 * then answers as a server that only knows TLS 1.1 would, with a TLS 1.1 ServerHello;
 * {@link #silent} accepts connections, never says anything, and notices when the client gives up.
 */
final class RawTlsPeer implements AutoCloseable {
    private static final int HANDSHAKE = 22;
    private static final int SUPPORTED_VERSIONS = 0x002b;

    private final ServerSocket socket;
    private final boolean answer;
    private final Thread acceptor;
    private final CountDownLatch closedByClient = new CountDownLatch(1);
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    /** For each ClientHello: its legacy version, then every version of its supported_versions extension. */
    private final List<List<Integer>> offered = new CopyOnWriteArrayList<>();

    private RawTlsPeer(boolean answer) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.answer = answer;
        this.acceptor = new Thread(this::acceptLoop, "raw-tls-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static RawTlsPeer tls11Only() throws IOException {
        return new RawTlsPeer(true);
    }

    static RawTlsPeer silent() throws IOException {
        return new RawTlsPeer(false);
    }

    int port() {
        return socket.getLocalPort();
    }

    int connections() {
        return accepted.size();
    }

    List<List<Integer>> offered() {
        return List.copyOf(offered);
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                accepted.add(s);
                if (answer) {
                    s.setSoTimeout(10_000);
                    offered.add(readClientHello(new DataInputStream(s.getInputStream())));
                    s.getOutputStream().write(tls11ServerHello());
                    s.getOutputStream().flush();
                } else {
                    Thread reader = new Thread(() -> drainUntilClosed(s), "raw-tls-peer-reader");
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (IOException e) {
                // closed, or a client that went away: next one
            }
        }
    }

    /** Reads (and ignores) what the client sends until it closes the connection. */
    private void drainUntilClosed(Socket s) {
        try (InputStream in = s.getInputStream()) {
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // a ClientHello nobody answers
            }
            closedByClient.countDown();
        } catch (IOException e) {
            // closed here
        }
    }

    /** Waits until the client closed a connection (silent mode); false when none did within {@code timeout}. */
    boolean awaitClosedByClient(Duration timeout) throws InterruptedException {
        return closedByClient.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The legacy version of one ClientHello record, then the versions of its supported_versions extension. */
    private static List<Integer> readClientHello(DataInputStream in) throws IOException {
        List<Integer> versions = new ArrayList<>();
        int type = in.readUnsignedByte();
        in.readUnsignedShort(); // record version
        byte[] record = new byte[in.readUnsignedShort()];
        in.readFully(record);
        if (type != HANDSHAKE || record[0] != 1) {
            throw new IOException("not a ClientHello");
        }
        int at = 4; // handshake type and length
        versions.add(u16(record, at));
        at += 2 + 32; // version, random
        at += 1 + (record[at] & 0xff); // session id
        at += 2 + u16(record, at); // cipher suites
        at += 1 + (record[at] & 0xff); // compression methods
        int end = at + 2 + u16(record, at);
        at += 2;
        while (at + 4 <= end) {
            int extension = u16(record, at);
            int length = u16(record, at + 2);
            if (extension == SUPPORTED_VERSIONS) {
                int count = record[at + 4] & 0xff;
                for (int i = 0; i < count; i += 2) {
                    versions.add(u16(record, at + 5 + i));
                }
            }
            at += 4 + length;
        }
        return versions;
    }

    /** ServerHello: version TLS 1.1, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, no extensions. */
    private static byte[] tls11ServerHello() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(3);
        body.write(2);
        for (int i = 0; i < 32; i++) {
            body.write(i + 1);
        }
        body.write(0); // no session id
        body.write(0xc0);
        body.write(0x13);
        body.write(0); // null compression
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(HANDSHAKE);
        record.write(3);
        record.write(2);
        int length = body.size() + 4;
        record.write(length >>> 8);
        record.write(length & 0xff);
        record.write(2); // server_hello
        record.write(0);
        record.write(body.size() >>> 8);
        record.write(body.size() & 0xff);
        record.write(body.toByteArray(), 0, body.size());
        return record.toByteArray();
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
