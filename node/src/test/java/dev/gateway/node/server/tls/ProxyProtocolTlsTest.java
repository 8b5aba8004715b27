package dev.gateway.node.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.server.demo.DemoUpstream;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.TestConfigs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TLS listener with {@code client-address.proxy-protocol}: the PROXY header comes first on the
 * TCP connection, before the ClientHello, as HAProxy in TCP mode sends it; the echo upstream
 * shows the {@code X-Forwarded-For} the node sent.
 */
class ProxyProtocolTlsTest {
    private static DemoUpstream upstream;
    private static GatewayNode node;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        upstream = DemoUpstream.start("127.0.0.1", 0, "echo");
        tlsPort = TestConfigs.closedPort();
        node = GatewayNode.start(TestConfigs.parse("""
                node:
                  name: gw-tls-proxy
                  listen: 127.0.0.1:0
                  admin: {listen: 127.0.0.1:0}
                  limits: {header-timeout: 2s, drain-timeout: 1s}
                  client-address: {proxy-protocol: true, trusted: [127.0.0.1/32]}
                  tls:
                    listen: 127.0.0.1:%d
                    certificates:%s
                """.formatted(tlsPort, TlsListenerIntegrationTest.certificates("api")) + TestConfigs.OBSERVABILITY + """
                upstreams:
                  echo: {targets: ["http://127.0.0.1:%d"]}
                routes:
                  - {id: all, match: {path: /**}, upstream: echo}
                """.formatted(upstream.port())));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void v1HeaderBeforeTheHandshake() throws IOException {
        try (SSLSocket tls = overTls(plain("127.0.0.1"), "PROXY TCP4 203.0.113.50 10.0.0.1 40000 443\r\n"
                .getBytes(StandardCharsets.US_ASCII))) {
            assertThat(forwardedFor(tls, "/tls-v1")).isEqualTo("203.0.113.50");
            assertThat(forwardedFor(tls, "/tls-v1-again")).as("every request of the connection").isEqualTo("203.0.113.50");
        }
    }

    @Test
    void v2HeaderBeforeTheHandshake() throws IOException {
        byte[] v2 = HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "cb007133" + "0a000001" + "9c40" + "01bb");
        try (SSLSocket tls = overTls(plain("127.0.0.1"), v2)) {
            assertThat(forwardedFor(tls, "/tls-v2")).isEqualTo("203.0.113.51");
        }
    }

    @Test
    void aTrustedPeerWithoutAHeaderGetsNoHandshake() throws IOException {
        Socket socket = plain("127.0.0.1");
        assertThatThrownBy(() -> overTls(socket, new byte[0]).close()).isInstanceOf(IOException.class);
        socket.close();
    }

    @Test
    void anUntrustedPeerHandshakesDirectly() throws IOException {
        try (SSLSocket tls = overTls(plain("127.0.0.8"), new byte[0])) {
            assertThat(forwardedFor(tls, "/tls-direct")).isEqualTo("127.0.0.8");
        }
    }

    private static Socket plain(String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tlsPort), TlsClients.TIMEOUT_MILLIS);
        socket.setSoTimeout(TlsClients.TIMEOUT_MILLIS);
        return socket;
    }

    /** Writes {@code first} on the plain socket, then runs the TLS handshake on it. */
    private static SSLSocket overTls(Socket socket, byte[] first) throws IOException {
        socket.getOutputStream().write(first);
        socket.getOutputStream().flush();
        SSLSocket tls = (SSLSocket) TestPki.shared().clientContext().getSocketFactory()
                .createSocket(socket, "api.example.com", tlsPort, true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("api.example.com")));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    private static String forwardedFor(SSLSocket tls, String path) throws IOException {
        String[] response = TlsClients.get(tls, "api.example.com", path);
        assertThat(response[0]).isEqualTo("HTTP/1.1 200 OK");
        return JsonErrors.parse(response[1]).get("headers").get("x-forwarded-for").asText();
    }
}
