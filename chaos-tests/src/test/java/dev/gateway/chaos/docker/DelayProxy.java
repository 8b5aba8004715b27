package dev.gateway.chaos.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A user-space TCP delay proxy (there is no netem in the test containers), run inside a node container by
 * {@link MemberLinks} as {@code java -cp DIR dev.gateway.chaos.docker.DelayProxy CONTROL PORT=HOST:PORT...}: it
 * listens on 127.0.0.1:PORT for each mapping, forwards each accepted connection to HOST:PORT, and holds every chunk
 * it reads, in each direction, for a delay drawn uniformly from [min, max] ms before writing it on. A byte stream
 * cannot be reordered, so a chunk never overtakes the one before it: its release is the later of its own draw and
 * the previous chunk's release (with jitter, dense traffic sees delays nearer the max). The delay is read every
 * 100 ms from the file CONTROL ("min max", ms), so a test changes it without breaking connections. Once every port
 * is bound it writes CONTROL + ".ready". No dependencies beyond the JDK: the class files alone run on a JRE.
 */
public final class DelayProxy {
    private volatile long minMs;
    private volatile long maxMs;

    private DelayProxy() {
    }

    public static void main(String[] args) throws IOException {
        new DelayProxy().run(args);
    }

    private void run(String[] args) throws IOException {
        Path control = Path.of(args[0]);
        readControl(control);
        for (String mapping : Arrays.copyOfRange(args, 1, args.length)) {
            String[] parts = mapping.split("[=:]");
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(parts[0])), 64);
            InetSocketAddress target = new InetSocketAddress(parts[1], Integer.parseInt(parts[2]));
            start("accept " + mapping, () -> accept(server, target));
        }
        Files.writeString(Path.of(control + ".ready"), "ready\n");
        System.out.println("delay proxy ready: " + String.join(" ", args));
        while (true) {
            sleep(100);
            readControl(control);
        }
    }

    private void readControl(Path control) {
        try {
            String[] f = Files.readString(control, StandardCharsets.US_ASCII).trim().split("\\s+");
            long lo = Long.parseLong(f[0]);
            long hi = Long.parseLong(f[1]);
            if (lo != minMs || hi != maxMs) {
                minMs = lo;
                maxMs = hi;
                System.out.println("delay " + lo + "-" + hi + " ms");
            }
        } catch (IOException | RuntimeException e) {
            // a file being rewritten: keep the last delay
        }
    }

    private void accept(ServerSocket server, InetSocketAddress target) {
        while (true) {
            try {
                Socket in = server.accept();
                Socket out = new Socket();
                try {
                    out.connect(target, 2_000);
                } catch (IOException e) {
                    in.close();
                    out.close();
                    continue;
                }
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                pipe(in, out);
                pipe(out, in);
            } catch (IOException e) {
                System.out.println("accept: " + e);
            }
        }
    }

    /** One direction: a reader stamping chunks with their release time, a writer releasing them in order. */
    private void pipe(Socket from, Socket to) {
        ArrayDeque<Object[]> queue = new ArrayDeque<>();
        start("read", () -> {
            long lastRelease = 0;
            byte[] buf = new byte[65_536];
            try (InputStream in = from.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    long delay = minMs + (maxMs > minMs ? ThreadLocalRandom.current().nextLong(maxMs - minMs + 1) : 0);
                    lastRelease = Math.max(lastRelease, System.nanoTime() + delay * 1_000_000L);
                    synchronized (queue) {
                        queue.add(new Object[] {lastRelease, Arrays.copyOf(buf, n)});
                        queue.notifyAll();
                    }
                }
            } catch (IOException e) {
                // closed: end the other side below
            }
            synchronized (queue) {
                queue.add(new Object[] {lastRelease, null});
                queue.notifyAll();
            }
        });
        start("write", () -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Object[] chunk;
                    synchronized (queue) {
                        while (queue.isEmpty()) {
                            queue.wait();
                        }
                        chunk = queue.poll();
                    }
                    long wait = (long) chunk[0] - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                    if (chunk[1] == null) {
                        break;
                    }
                    out.write((byte[]) chunk[1]);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other end closed
            }
            closeQuietly(from);
            closeQuietly(to);
        });
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static void start(String name, Runnable body) {
        Thread t = new Thread(body, "delay-proxy-" + name);
        t.setDaemon(true);
        t.start();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
