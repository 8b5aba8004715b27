package dev.gateway.node.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port where a connect never completes, as towards a host that vanished: a listener with a backlog of 1
 * that never accepts, its accept queue filled first, so that the kernel drops further SYNs and a connect stays
 * pending until the client gives up (or the operating system does, minutes later).
 */
public final class Blackhole implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> filling = new ArrayList<>();

    private Blackhole(ServerSocket listener) {
        this.listener = listener;
    }

    public static Blackhole open() throws IOException {
        Blackhole hole = new Blackhole(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        try {
            hole.fill();
        } catch (IOException | RuntimeException e) {
            hole.close();
            throw e;
        }
        return hole;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connects until a connect does not complete within 300 ms: the accept queue is then full. Bounded. */
    private void fill() throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 300);
                filling.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                return;
            }
        }
        throw new IllegalStateException("the accept queue of a backlog-1 listener did not fill up");
    }

    @Override
    public void close() throws IOException {
        for (Socket s : filling) {
            s.close();
        }
        listener.close();
    }
}
