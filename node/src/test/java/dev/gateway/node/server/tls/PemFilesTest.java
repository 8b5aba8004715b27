package dev.gateway.node.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gateway.config.CertificatePair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading certificate chains and PKCS#8 keys, and the messages when a file is not what it should be. */
class PemFilesTest {
    private final TestPki pki = TestPki.shared();

    @TempDir
    Path dir;

    @Test
    void readsTheChainLeafFirstAndAnRsaKey() throws IOException {
        TestPki.Leaf api = pki.leaf("api");

        List<X509Certificate> chain = PemFiles.certificates(api.cert());
        PrivateKey key = PemFiles.privateKey(api.key());

        assertThat(chain).hasSize(2);
        assertThat(chain.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=api");
        assertThat(chain.get(1)).isEqualTo(pki.ca());
        assertThat(key.getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void readsAnEcKeyAndTheDnsNamesOfTheCertificate() throws IOException {
        CertifiedKey wild = CertifiedKey.load(pair(pki.leaf("wild")), "a");
        CertifiedKey other = CertifiedKey.load(pair(pki.leaf("other")), "b");

        assertThat(wild.keyType()).isEqualTo("EC");
        assertThat(wild.dnsNames()).containsExactly("*.wild.example.com");
        assertThat(other.dnsNames()).containsExactly("other.example.com");
        assertThat(other.chain()).hasSize(2);
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.pem");

        assertThatThrownBy(() -> PemFiles.certificates(missing))
                .isInstanceOf(IOException.class).hasMessage(missing + ": no such file");
    }

    @Test
    void aFileWithoutPemIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("garbage.pem"), "this is not a certificate\n");

        assertThatThrownBy(() -> PemFiles.certificates(file))
                .hasMessage(file + ": not a PEM file (no -----BEGIN ...----- block)");
        assertThatThrownBy(() -> PemFiles.privateKey(file))
                .hasMessage(file + ": not a PEM file (no -----BEGIN ...----- block)");
    }

    @Test
    void aBrokenCertificateIsNamed() throws IOException {
        Path badBase64 = Files.writeString(dir.resolve("b64.pem"), "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n");
        Path notX509 = Files.writeString(dir.resolve("x509.pem"), TestPki.pem("CERTIFICATE", new byte[] {1, 2, 3}));

        assertThatThrownBy(() -> PemFiles.certificates(badBase64))
                .hasMessage(badBase64 + ": the CERTIFICATE block is not valid base64");
        assertThatThrownBy(() -> PemFiles.certificates(notX509))
                .hasMessageStartingWith(notX509 + ": certificate 1 is not a valid X.509 certificate");
    }

    @Test
    void aKeyFileIsNotACertificateChainAndViceVersa() {
        TestPki.Leaf api = pki.leaf("api");

        assertThatThrownBy(() -> PemFiles.certificates(api.key()))
                .hasMessage(api.key() + ": no PEM certificate (expected: -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> PemFiles.privateKey(api.cert()))
                .hasMessage(api.cert() + ": no PEM private key (expected: -----BEGIN PRIVATE KEY-----)");
    }

    @Test
    void pkcs1AndSec1KeysAreRefusedWithTheConversionCommand() throws IOException {
        Path rsa = Files.writeString(dir.resolve("rsa.pem"), TestPki.pem("RSA PRIVATE KEY", new byte[] {1}));
        Path ec = Files.writeString(dir.resolve("ec.pem"), TestPki.pem("EC PRIVATE KEY", new byte[] {1}));

        assertThatThrownBy(() -> PemFiles.privateKey(rsa)).hasMessage(rsa + ": 'RSA PRIVATE KEY' is not PKCS#8"
                + " (expected: -----BEGIN PRIVATE KEY-----; convert it with openssl pkcs8 -topk8 -nocrypt -in " + rsa + ")");
        assertThatThrownBy(() -> PemFiles.privateKey(ec)).hasMessageContaining("'EC PRIVATE KEY' is not PKCS#8");
    }

    @Test
    void encryptedAndUnreadableKeysAreRefused() throws IOException {
        Path encrypted = Files.writeString(dir.resolve("enc.pem"), TestPki.pem("ENCRYPTED PRIVATE KEY", new byte[] {1}));
        Path junk = Files.writeString(dir.resolve("junk.pem"), TestPki.pem("PRIVATE KEY", new byte[] {1, 2, 3}));

        assertThatThrownBy(() -> PemFiles.privateKey(encrypted)).hasMessageStartingWith(encrypted + ": the private key is encrypted");
        assertThatThrownBy(() -> PemFiles.privateKey(junk))
                .hasMessage(junk + ": not a readable RSA or EC private key (expected: PKCS#8, RSA or EC)");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        TestPki.Leaf api = pki.leaf("api");
        TestPki.Leaf apiV2 = pki.leaf("api-v2");
        TestPki.Leaf other = pki.leaf("other");

        assertThatThrownBy(() -> CertifiedKey.load(new CertificatePair(api.cert().toString(), apiV2.key().toString()), "x"))
                .hasMessage(apiV2.key() + ": the private key does not belong to the first certificate of " + api.cert() + " (CN=api)");
        assertThatThrownBy(() -> CertifiedKey.load(new CertificatePair(api.cert().toString(), other.key().toString()), "x"))
                .hasMessageContaining("does not belong");
    }

    static CertificatePair pair(TestPki.Leaf leaf) {
        return new CertificatePair(leaf.cert().toString(), leaf.key().toString());
    }
}
