package dev.gateway.node.upstream.tls;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * An HTTPS upstream on loopback (the JDK's {@link HttpsServer}): answers every request with
 * {@code <method> <path> <request body>} followed by {@link #PADDING}, and records what each request
 * looked like from the TLS side (which connection, SNI, client certificate, protocol).
 */
final class TlsUpstream implements AutoCloseable {
    /** Makes responses span many TLS records. */
    static final String PADDING = "0123456789abcdef".repeat(4096);

    /** One request as the upstream saw it. */
    record Seen(int clientPort, String host, List<String> serverNames, String clientCertificate, String protocol,
                String path) {
    }

    private final HttpsServer server;
    private final ExecutorService executor;
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

    private TlsUpstream(HttpsServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * @param context           the server's certificate
     * @param needClientAuth    refuse clients without a certificate the test CA signed
     */
    static TlsUpstream start(SSLContext context, boolean needClientAuth) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
                parameters.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(parameters);
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "tls-upstream");
            t.setDaemon(true);
            return t;
        });
        TlsUpstream upstream = new TlsUpstream(server, executor);
        server.createContext("/", upstream::handle);
        server.setExecutor(executor);
        server.start();
        return upstream;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Every request seen so far, oldest first. */
    List<Seen> seen() {
        return List.copyOf(seen);
    }

    void forget() {
        seen.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] requestBody;
            try (InputStream in = exchange.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            SSLSession session = ((HttpsExchange) exchange).getSSLSession();
            List<String> names = session instanceof ExtendedSSLSession extended
                    ? extended.getRequestedServerNames().stream().map(TlsUpstream::name).toList() : List.of();
            String client;
            try {
                client = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (SSLPeerUnverifiedException e) {
                client = null;
            }
            seen.add(new Seen(exchange.getRemoteAddress().getPort(), exchange.getRequestHeaders().getFirst("Host"),
                    names, client, session.getProtocol(), exchange.getRequestURI().getRawPath()));
            byte[] body = (exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                    + new String(requestBody, StandardCharsets.UTF_8) + "\n" + PADDING).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }

    private static String name(SNIServerName name) {
        return name instanceof SNIHostName host ? host.getAsciiName() : name.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
