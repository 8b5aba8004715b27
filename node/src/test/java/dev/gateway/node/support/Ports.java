package dev.gateway.node.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;

/** Checks on loopback ports that a test's node has let go of. */
public final class Ports {
    private Ports() {
    }

    /**
     * Waits (at most 5 s: a listener closes on its selector thread, after {@code close} returns) until nothing
     * listens on {@code port}: a connect is refused. Binding the port again would say the same, but fails now and
     * then for another reason: an outbound connection of some other test may hold that (ephemeral) port as its
     * local one.
     */
    public static void assertNothingListens(int port) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> refused(port));
    }

    private static boolean refused(int port) throws IOException {
        try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (ConnectException e) {
            return true;
        }
    }
}
