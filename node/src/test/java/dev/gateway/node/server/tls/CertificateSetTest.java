package dev.gateway.node.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing a certificate by SNI name and key type. */
class CertificateSetTest {
    private static final PrivateKey RSA = key("RSA", 1024);
    private static final PrivateKey EC = key("EC", 256);

    private final CertifiedKey api = cert("api", RSA, "api.example.com", "www.example.com");
    private final CertifiedKey apiEc = cert("api-ec", EC, "api.example.com");
    private final CertifiedKey wild = cert("wild", EC, "*.wild.example.com");
    private final CertifiedKey exactInWild = cert("exact-in-wild", EC, "special.wild.example.com");
    private final CertificateSet set = new CertificateSet(List.of(api, apiEc, wild, exactInWild));

    @Test
    void anExactNameChoosesItsCertificateWhateverItsCase() {
        assertThat(set.choose("api.example.com", "RSA")).isSameAs(api);
        assertThat(set.choose("WWW.Example.COM", "RSA")).isSameAs(api);
        assertThat(set.choose("api.example.com.", "RSA")).isSameAs(api);
    }

    @Test
    void theKeyTypeTheHandshakeAsksForPicksAmongCertificatesOfOneName() {
        assertThat(set.choose("api.example.com", "EC")).isSameAs(apiEc);
        assertThat(set.choose("www.example.com", "EC")).as("no EC certificate for www: the JDK tries RSA next").isNull();
    }

    @Test
    void aWildcardCoversOneLabelOnly() {
        assertThat(set.choose("a.wild.example.com", "EC")).isSameAs(wild);
        assertThat(set.choose("a.b.wild.example.com", "RSA")).as("two labels: default").isSameAs(api);
        assertThat(set.choose("wild.example.com", "RSA")).as("the bare domain: default").isSameAs(api);
        assertThat(set.choose("a.wild.example.com", "RSA")).as("matched, but no RSA key").isNull();
    }

    @Test
    void anExactNameWinsOverAWildcard() {
        assertThat(set.choose("special.wild.example.com", "EC")).isSameAs(exactInWild);
    }

    @Test
    void noNameOrAnUnknownNameGetsTheFirstCertificate() {
        assertThat(set.choose(null, "RSA")).isSameAs(api);
        assertThat(set.choose("unknown.example.org", "RSA")).isSameAs(api);
        assertThat(set.choose(null, "EC")).as("the default is RSA").isNull();
    }

    @Test
    void aliasesFindTheirCertificates() {
        assertThat(set.byAlias("wild")).isSameAs(wild);
        assertThat(set.byAlias("nope")).isNull();
    }

    private static CertifiedKey cert(String alias, PrivateKey key, String... names) {
        return new CertifiedKey(alias, key, new X509Certificate[0], List.of(names), alias);
    }

    private static PrivateKey key(String algorithm, int size) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(size);
            return generator.generateKeyPair().getPrivate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
