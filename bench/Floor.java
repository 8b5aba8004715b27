// bench/Floor.java: the floor the gateway's figures are read against (bench/run.sh --floor).
//
//   java -cp node/target/gateway-node.jar bench/Floor.java http|transport PORT ADMIN_PORT
//
// Both modes answer every request with the backend's fixed 29-byte JSON body, on a Grizzly
// transport set up as the gateway's proxy listener (Servers.proxyTransport): SameThreadIOStrategy,
// one selector per available core, no worker pool, TCP_NODELAY.
//   http       a bare Grizzly HttpServer with one HttpHandler: Grizzly's whole HTTP layer, no proxying.
//   transport  Grizzly's transport with the least HTTP it needs: a filter that counts requests by their
//              blank line (GET without a body, as wrk sends) and writes a fixed response per request.
// ADMIN_PORT answers GET /allocated with the JVM's heap bytes allocated by all threads so far (the
// figure the gateway exports as jvm_allocated_bytes_total), so run.sh gives both the same column.
// Not a server for anything but this benchmark.

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOTransportBuilder;
import org.glassfish.grizzly.strategies.SameThreadIOStrategy;

public final class Floor {
    static final byte[] BODY = "{\"ok\":true,\"service\":\"bench\"}".getBytes(StandardCharsets.US_ASCII);
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + BODY.length + "\r\n\r\n" + new String(BODY, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Floor http|transport PORT ADMIN_PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        admin(Integer.parseInt(args[2]));
        TCPNIOTransport transport = TCPNIOTransportBuilder.newInstance()
                .setIOStrategy(SameThreadIOStrategy.getInstance())
                .setSelectorRunnersCount(Math.max(1, Runtime.getRuntime().availableProcessors()))
                .setWorkerThreadPoolConfig(null)
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setServerConnectionBackLog(4096)
                .build();
        switch (args[0]) {
            case "http" -> http(transport, port);
            case "transport" -> transport(transport, port);
            default -> throw new IllegalArgumentException("mode: http or transport, not " + args[0]);
        }
        System.out.println("floor " + args[0] + " on 127.0.0.1:" + port);
        Thread.currentThread().join();
    }

    static void http(TCPNIOTransport transport, int port) throws IOException {
        org.glassfish.grizzly.http.server.HttpServer server = new org.glassfish.grizzly.http.server.HttpServer();
        NetworkListener listener = new NetworkListener("floor", "127.0.0.1", port);
        listener.setTransport(transport);
        listener.getKeepAlive().setMaxRequestsCount(-1);
        server.addListener(listener);
        server.getServerConfiguration().setJmxEnabled(false);
        server.getServerConfiguration().addHttpHandler(new HttpHandler() {
            @Override
            public void service(Request request, Response response) throws Exception {
                response.setContentType("application/json");
                response.setContentLength(BODY.length);
                response.getOutputStream().write(BODY);
            }
        });
        server.start();
    }

    static void transport(TCPNIOTransport transport, int port) throws IOException {
        transport.setProcessor(FilterChainBuilder.stateless()
                .add(new TransportFilter())
                .add(new FixedAnswers())
                .build());
        transport.bind("127.0.0.1", port);
        transport.start();
    }

    /** Counts the request heads ending in a read ("\r\n\r\n", also across reads) and answers each one. */
    static final class FixedAnswers extends BaseFilter {
        private final org.glassfish.grizzly.attributes.Attribute<int[]> matched =
                org.glassfish.grizzly.attributes.AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("floor.crlf");

        @Override
        public NextAction handleRead(FilterChainContext ctx) {
            Buffer in = ctx.getMessage();
            int[] state = matched.get(ctx.getConnection());
            if (state == null) {
                state = new int[1];
                matched.set(ctx.getConnection(), state);
            }
            int requests = 0;
            int m = state[0];
            for (int i = in.position(); i < in.limit(); i++) {
                byte b = in.get(i);
                m = (b == (m % 2 == 0 ? '\r' : '\n')) ? m + 1 : (b == '\r' ? 1 : 0);
                if (m == 4) {
                    requests++;
                    m = 0;
                }
            }
            state[0] = m;
            in.tryDispose();
            if (requests > 0) {
                byte[] out = requests == 1 ? RESPONSE : repeat(requests);
                ctx.write(Buffers.wrap(ctx.getMemoryManager(), out));
            }
            return ctx.getStopAction();
        }

        private static byte[] repeat(int n) {
            byte[] out = new byte[RESPONSE.length * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(RESPONSE, 0, out, i * RESPONSE.length, RESPONSE.length);
            }
            return out;
        }
    }

    static void admin(int port) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        HttpServer admin = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        admin.createContext("/allocated", exchange -> {
            byte[] body = (threads.getTotalThreadAllocatedBytes() + "\n").getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        admin.start();
    }
}
