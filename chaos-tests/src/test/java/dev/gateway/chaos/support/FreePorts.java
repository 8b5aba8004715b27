package dev.gateway.chaos.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Loopback ports that were free a moment ago: each one bound on 127.0.0.1 with port 0 and closed again.
 * Another process may take one before the node binds it; the node then exits with status 2 and the test
 * fails naming the port (see {@link GatewayProcess}). Ports handed out by one instance never repeat.
 */
public final class FreePorts {
    private final Set<Integer> given = new HashSet<>();

    public synchronized int next() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = bindAndClose();
            if (given.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no fresh free loopback port after 50 attempts");
    }

    private static int bindAndClose() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }
}
