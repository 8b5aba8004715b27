package dev.gateway.cluster.member;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Asks a peer's cluster port whether a live member is behind it: connects, sends the three protocol bytes a
 * member sends first ({@code HZC}) and expects the same three back, the connect and the answer each within the
 * timeout. A member answers before any handshake; a frozen JVM (SIGSTOP, a stop-the-world pause, a suspended VM)
 * does not, although its kernel accepts the connection. The probe then closes the connection: the peer logs a
 * connection opened and closed, nothing else.
 */
final class ClusterProtocolProbe {
    /** Hazelcast's member protocol header, the first bytes each side of a member connection sends. */
    static final byte[] CLUSTER_PROTOCOL = "HZC".getBytes(StandardCharsets.US_ASCII);

    private final int timeoutMillis;

    /** @param timeout for the connect, and again for the answer: 1 ms to 60 s */
    ClusterProtocolProbe(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: 1 ms to 60 s)");
        }
        this.timeoutMillis = (int) timeout.toMillis();
    }

    /** True when a member answers the cluster protocol at {@code peer} in time; false on any failure. */
    boolean answers(InetSocketAddress peer) {
        Objects.requireNonNull(peer, "peer");
        if (peer.isUnresolved()) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(peer, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(CLUSTER_PROTOCOL);
            socket.getOutputStream().flush();
            byte[] answer = socket.getInputStream().readNBytes(CLUSTER_PROTOCOL.length);
            return Arrays.equals(answer, CLUSTER_PROTOCOL);
        } catch (IOException e) {
            return false;
        }
    }
}
