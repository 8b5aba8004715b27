package dev.gateway.node.server.tls;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Test clients of the TLS listener: JDK sockets with a chosen SNI name, and hand-made ClientHellos. */
final class TlsClients {
    static final int TIMEOUT_MILLIS = 10_000;

    private TlsClients() {
    }

    /**
     * A connected, handshaken socket to the loopback {@code port}, sending {@code serverName} as
     * SNI (none when null) and, with a name, checking the certificate is valid for it as a browser would.
     */
    static SSLSocket connect(SSLContext context, int port, String serverName, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        parameters.setEndpointIdentificationAlgorithm(serverName == null ? null : "HTTPS");
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** The certificate the listener shows a new connection that asks for {@code serverName}. */
    static X509Certificate certificateFor(SSLContext context, int port, String serverName) throws IOException {
        try (SSLSocket socket = connect(context, port, serverName)) {
            return peer(socket);
        }
    }

    static X509Certificate peer(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }

    /** A minimal HTTP/1.1 exchange on an open connection: the status line and the body (Content-Length framing). */
    static String[] get(Socket socket, String host, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the response head: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = new DataInputStream(in).readNBytes(length);
        return new String[] {head.substring(0, head.indexOf("\r\n")), new String(body, StandardCharsets.UTF_8)};
    }

    /** What came back for a hand-made ClientHello. */
    record HelloAnswer(int recordType, int firstByte, int secondByte) {
        static final int ALERT = 21;
        static final int HANDSHAKE = 22;
        static final int CLOSED = -1;

        boolean isServerHello() {
            return recordType == HANDSHAKE && firstByte == 2;
        }

        @Override
        public String toString() {
            return recordType == CLOSED ? "connection closed"
                    : recordType == ALERT ? "alert level " + firstByte + " description " + secondByte
                    : "record " + recordType + " starting " + firstByte;
        }
    }

    /**
     * Sends a ClientHello of {@code version} (0x0302 TLS 1.1, 0x0303 TLS 1.2; no supported_versions
     * extension, so no TLS 1.3) offering {@code suites}, and reads the first record back. Written
     * by hand so that the client's own JDK policy (which refuses TLS 1.1 itself) is not what is tested.
     */
    static HelloAnswer hello(int port, int version, int... suites) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        u16(body, version);
        body.write(new byte[32], 0, 32); // random
        body.write(0); // no session id
        u16(body, suites.length * 2);
        for (int suite : suites) {
            u16(body, suite);
        }
        body.write(1);
        body.write(0); // null compression only
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        extension(extensions, 0x000a, new int[] {0x00, 0x04, 0x00, 0x17, 0x00, 0x1d}); // groups: secp256r1, x25519
        extension(extensions, 0x000b, new int[] {0x01, 0x00}); // point formats: uncompressed
        extension(extensions, 0x000d, new int[] {0x00, 0x06, 0x04, 0x01, 0x04, 0x03, 0x08, 0x04}); // signature algorithms
        u16(body, extensions.size());
        body.write(extensions.toByteArray(), 0, extensions.size());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(HelloAnswer.HANDSHAKE);
        u16(record, 0x0301);
        u16(record, body.size() + 4);
        record.write(1); // client_hello
        record.write(0);
        u16(record, body.size());
        record.write(body.toByteArray(), 0, body.size());

        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.getOutputStream().write(record.toByteArray());
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            try {
                int type = in.readUnsignedByte();
                in.readUnsignedShort(); // record version
                in.readUnsignedShort(); // length
                return new HelloAnswer(type, in.readUnsignedByte(), in.readUnsignedByte());
            } catch (EOFException | java.net.SocketException e) {
                return new HelloAnswer(HelloAnswer.CLOSED, -1, -1);
            }
        }
    }

    private static void extension(ByteArrayOutputStream out, int type, int[] data) {
        u16(out, type);
        u16(out, data.length);
        for (int b : data) {
            out.write(b);
        }
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value & 0xff);
    }
}
