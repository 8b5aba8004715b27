package dev.gateway.chaos.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Loopback ports that were free a moment ago, picked <em>below the kernel's ephemeral range</em>
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}) and checked by binding them on 127.0.0.1. A port from the
 * ephemeral range (what binding port 0 gives) can be taken, between the check and the node's bind, as the
 * source port of some outgoing connection; the nodes' own cluster connections did exactly that in a CI run
 * (an admin listener then failed to bind). Outgoing connections never use ports outside that range, so only
 * another listener can take one of these. Where the range cannot be read, ports come from binding port 0.
 * The node that still meets a taken port exits with status 2 and the test fails naming it (see
 * {@link GatewayProcess}). Ports handed out by one instance never repeat.
 */
public final class FreePorts {
    /** The lowest port handed out: above the well-known and most registered service ports. */
    static final int LOWEST = 20_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int ATTEMPTS = 200;

    private final Set<Integer> given = new HashSet<>();
    private final Random random = new Random();
    private final int belowEphemeral = ephemeralLow();

    public synchronized int next() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = belowEphemeral > LOWEST + ATTEMPTS
                    ? LOWEST + random.nextInt(belowEphemeral - LOWEST)
                    : 0;
            int bound = bind(port);
            if (bound > 0 && given.add(bound)) {
                return bound;
            }
        }
        throw new IllegalStateException("no fresh free loopback port after " + ATTEMPTS + " attempts");
    }

    /** The port bound and released again, or -1 when {@code port} is taken. */
    private static int bind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket.getLocalPort();
        } catch (IOException e) {
            if (port == 0) {
                throw new UncheckedIOException("cannot bind a loopback port", e);
            }
            return -1;
        }
    }

    /**
     * The first port of the ephemeral range, or 0 when unknown. Read line by line: procfs reports a size of 0,
     * and {@code Files.readString} then returned only the first byte ("3" of "32768"), which silently sent every
     * port back into the ephemeral range.
     */
    static int ephemeralLow() {
        try {
            List<String> lines = Files.readAllLines(EPHEMERAL_RANGE);
            return lines.isEmpty() ? 0 : Integer.parseInt(lines.get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
