package dev.gateway.node.server.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.config.Durations;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/**
 * A sample upstream for demos, tests and benchmarks. It answers JSON describing the request it
 * received ({@code service, method, path, query, headers, body_bytes, body}) and obeys query
 * parameters: {@code delay} (a duration), {@code status}, {@code bytes} (stream a body of that
 * size instead), {@code close=true} (drop the connection unanswered). Not part of the gateway's
 * request path: it may block its own worker threads.
 */
public final class DemoUpstream implements AutoCloseable {
    private static final int ECHO_LIMIT = 64 * 1024;

    private final HttpServer server;
    private final ScheduledExecutorService delays;
    private final ObjectMapper json = new ObjectMapper();
    private final String name;

    private DemoUpstream(String host, int port, String name) {
        this.name = name;
        this.delays = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "demo-delay");
            t.setDaemon(true);
            return t;
        });
        this.server = new HttpServer();
        NetworkListener listener = new NetworkListener("demo", host, port);
        listener.getKeepAlive().setMaxRequestsCount(-1);
        server.addListener(listener);
        server.getServerConfiguration().addHttpHandler(new Handler());
        server.getServerConfiguration().setJmxEnabled(false);
    }

    public static DemoUpstream start(String host, int port, String name) throws IOException {
        DemoUpstream upstream = new DemoUpstream(host, port, name);
        upstream.server.start();
        return upstream;
    }

    public int port() {
        return ((InetSocketAddress) server.getListener("demo").getServerConnection().getLocalAddress()).getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
        delays.shutdownNow();
    }

    private final class Handler extends HttpHandler {
        @Override
        public void service(Request request, Response response) throws Exception {
            if (request.getRequestURI().equals("/health")) {
                write(response, 200, "{\"status\":\"ok\",\"service\":" + json.writeValueAsString(name) + "}");
                return;
            }
            // Parameters come from the query only: a form body is echoed, never parsed.
            String query = request.getQueryString();
            if ("true".equals(QueryParams.get(query, "close"))) {
                request.getContext().getConnection().closeSilently();
                return;
            }
            byte[] body = request.getInputStream().readAllBytes();
            int status = intOr(QueryParams.get(query, "status"), 200);
            long bytes = intOr(QueryParams.get(query, "bytes"), -1);
            String delay = QueryParams.get(query, "delay");
            Runnable answer = () -> {
                try {
                    if (bytes >= 0) {
                        stream(response, status, bytes);
                    } else {
                        write(response, status, describe(request, body));
                    }
                } catch (IOException e) {
                    request.getContext().getConnection().closeSilently();
                }
            };
            if (delay == null) {
                answer.run();
            } else {
                response.suspend();
                delays.schedule(() -> {
                    answer.run();
                    response.resume();
                }, Durations.parse(delay).toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    private String describe(Request request, byte[] body) throws IOException {
        ObjectNode out = json.createObjectNode();
        out.put("service", name);
        out.put("method", request.getMethod().getMethodString());
        out.put("path", request.getRequestURI());
        out.put("query", request.getQueryString());
        ObjectNode headers = out.putObject("headers");
        for (String header : request.getHeaderNames()) {
            StringBuilder values = new StringBuilder();
            for (String v : request.getHeaders(header)) {
                values.append(values.length() == 0 ? "" : ", ").append(v);
            }
            headers.put(header.toLowerCase(), values.toString());
        }
        out.put("body_bytes", body.length);
        if (body.length > 0 && body.length <= ECHO_LIMIT) {
            try {
                out.put("body", StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body)).toString());
            } catch (CharacterCodingException e) {
                out.put("body", (String) null);
            }
        }
        return json.writeValueAsString(out);
    }

    private static void write(Response response, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static void stream(Response response, int status, long bytes) throws IOException {
        response.setStatus(status);
        response.setContentType("application/octet-stream");
        response.setContentLengthLong(bytes);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        OutputStream out = response.getOutputStream();
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    private static int intOr(String v, int fallback) {
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
