package dev.gateway.node.upstream.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gateway.config.UpstreamTls;
import dev.gateway.node.GatewayNode;
import dev.gateway.node.InvalidConfigException;
import dev.gateway.node.support.JsonErrors;
import dev.gateway.node.support.TestConfigs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tls} section of an upstream compiled: engine parameters, identity across reloads, and
 * files that cannot be used refusing the config with their config path, at start and on {@code PUT /admin/config}.
 */
class UpstreamTlsConfigTest {
    private static UpstreamPki pki;

    @TempDir
    Path dir;

    @BeforeAll
    static void pki() {
        pki = UpstreamPki.shared();
    }

    @Test
    void enginesSpeakTls13And12WithSniAndHostnameVerification() {
        UpstreamTlsContext context = UpstreamTlsContext.load("upstreams.u.tls",
                new UpstreamTls(pki.caFile().toString(), null, null, true));

        SSLEngine engine = context.newEngine("api.internal", 8443);

        assertThat(engine.getUseClientMode()).isTrue();
        assertThat(engine.getPeerHost()).isEqualTo("api.internal");
        assertThat(engine.getPeerPort()).isEqualTo(8443);
        assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(engine.getSSLParameters().getServerNames()).containsExactly(new SNIHostName("api.internal"));
    }

    @Test
    void ipTargetsGetNoSniAndVerificationCanBeTurnedOff() {
        UpstreamTlsContext context = UpstreamTlsContext.load("upstreams.u.tls",
                new UpstreamTls(null, null, null, false));

        assertThat(context.newEngine("10.0.0.7", 443).getSSLParameters().getServerNames()).isEmpty();
        assertThat(context.newEngine("[::1]", 443).getSSLParameters().getServerNames()).isEmpty();
        assertThat(context.newEngine("[::1]", 443).getPeerHost()).isEqualTo("::1");
        assertThat(context.newEngine("api.internal", 443).getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
    }

    @Test
    void equalSectionsWithEqualFilesAreEqualSoThatAReloadKeepsThePools() throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.copy(pki.caFile(), ca);
        UpstreamTls section = new UpstreamTls(ca.toString(), null, null, true);

        UpstreamTlsContext first = UpstreamTlsContext.load("upstreams.u.tls", section);
        UpstreamTlsContext again = UpstreamTlsContext.load("upstreams.u.tls", section);
        assertThat(again).isEqualTo(first).hasSameHashCodeAs(first);
        assertThat(UpstreamTlsContext.load("upstreams.u.tls", new UpstreamTls(ca.toString(), null, null, false)))
                .isNotEqualTo(first);

        Files.copy(pki.bundleFile(), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(UpstreamTlsContext.load("upstreams.u.tls", section)).as("new file contents").isNotEqualTo(first);
    }

    @Test
    void fileProblemsNameTheirConfigPathAndFile() throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        UpstreamPki.Leaf client = pki.leaf("client");
        UpstreamPki.Leaf other = pki.leaf("localhost");

        assertThat(problem(new UpstreamTls(missing.toString(), null, null, true)))
                .startsWith("upstreams.u.tls.ca: cannot read ").contains(missing.toString());
        assertThat(problem(new UpstreamTls(notPem.toString(), null, null, true)))
                .startsWith("upstreams.u.tls.ca: cannot read ").contains(notPem.toString());
        assertThat(problem(new UpstreamTls(null, missing.toString(), client.key().toString(), true)))
                .startsWith("upstreams.u.tls.cert: ").contains(missing.toString());
        assertThat(problem(new UpstreamTls(null, client.cert().toString(), notPem.toString(), true)))
                .startsWith("upstreams.u.tls.key: ").contains(notPem.toString());
        assertThat(problem(new UpstreamTls(null, client.cert().toString(), other.key().toString(), true)))
                .as("a key of another certificate")
                .startsWith("upstreams.u.tls.key: ").contains("does not belong");
    }

    @Test
    void anUnreadableCaFileStopsTheNodeFromStarting() throws Exception {
        Path missing = dir.resolve("nowhere/ca.pem");
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> GatewayNode.start(TestConfigs.withDefaults(config(missing))).close());

        assertThat(e).as("GatewayNode.start").isNotNull();
        assertThat(e.getMessage()).contains("upstreams.users.tls.ca: cannot read").contains(missing.toString());
    }

    @Test
    void anUnreadableCaFileInAPutIs400NamingIt() throws Exception {
        Path missing = dir.resolve("nowhere/ca.pem");
        String token = "tls-admin-token";
        try (GatewayNode node = GatewayNode.start(TestConfigs.parse("node: {name: gw-test, listen: 127.0.0.1:0, "
                + "admin: {listen: 127.0.0.1:0, token: " + token + "}}\n" + TestConfigs.OBSERVABILITY
                + "upstreams:\n  users: {targets: [\"http://127.0.0.1:9\"]}\n"
                + "routes:\n  - {id: r, match: {path: /**}, upstream: users}\n"))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> put = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + node.adminPort() + "/admin/config"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10))
                    .PUT(HttpRequest.BodyPublishers.ofString(config(missing))).build(), HttpResponse.BodyHandlers.ofString());

            JsonNode body = JsonErrors.parse(put.body());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(400);
            List<String> errors = new ArrayList<>();
            body.get("errors").forEach(e -> errors.add(e.path("path").asText() + ": " + e.path("message").asText()));
            // the path is the error's own, or leads its message
            assertThat(errors).anySatisfy(m -> assertThat(m).contains("upstreams.users.tls.ca: ")
                    .contains("cannot read").contains(missing.toString()));
            assertThat(node.configSync().running().version()).isEqualTo(1);
        }
    }

    @Test
    void aValidTlsSectionIsNoLongerAnUnsupportedFeature() throws Exception {
        try (GatewayNode node = GatewayNode.start(TestConfigs.withDefaults(config(pki.caFile())))) {
            assertThat(node.runtimes().current().upstreams().get("users").targets())
                    .singleElement().satisfies(t -> {
                        assertThat(t.tls()).isTrue();
                        assertThat(t.port()).isEqualTo(443);
                        assertThat(t.hostHeader()).isEqualTo("localhost");
                        assertThat(t.tlsContext()).isNotNull();
                    });
        }
    }

    private static String config(Path ca) {
        return """
                upstreams:
                  users:
                    targets: ["https://localhost"]
                    tls: {ca: "%s"}
                routes:
                  - {id: r, match: {path: /**}, upstream: users}
                """.formatted(ca);
    }

    private static String problem(UpstreamTls section) {
        Throwable e = catchThrowable(() -> UpstreamTlsContext.load("upstreams.u.tls", section));
        assertThat(e).isInstanceOf(UpstreamTlsConfigException.class);
        return e.getMessage();
    }
}
