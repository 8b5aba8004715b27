package dev.gateway.node.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gateway.config.CertificatePair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Loading the configured pairs, and reloading them when their files change: {@code poll()} is called by hand. */
class CertificateFilesTest {
    private final TestPki pki = TestPki.shared();
    private final Logger logger = (Logger) LoggerFactory.getLogger(CertificateFiles.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level levelBefore;

    @TempDir
    Path dir;

    private TestPki.Leaf api;
    private TestPki.Leaf other;
    private CertificateFiles files;

    @BeforeEach
    void load() throws IOException {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
        logs.start();
        logger.addAppender(logs);
        api = pki.leaf("api").copyTo(dir, "api");
        other = pki.leaf("other").copyTo(dir, "other");
        files = CertificateFiles.load(List.of(pair(api), pair(other)), Clock.systemUTC());
    }

    @AfterEach
    void detach() {
        logger.detachAppender(logs);
        logger.setLevel(levelBefore);
    }

    @Test
    void unchangedFilesKeepTheSameSet() {
        CertificateSet before = files.keyManager().current();

        files.poll();

        assertThat(files.keyManager().current()).isSameAs(before);
        assertThat(subjects(before)).containsExactly("CN=api", "CN=other");
    }

    @Test
    void aRewrittenPairIsPickedUpAndTheOthersStay() throws IOException {
        CertificateSet before = files.keyManager().current();

        pki.leaf("other-v2").copyTo(dir, "other");
        files.poll();

        CertificateSet after = files.keyManager().current();
        assertThat(subjects(after)).containsExactly("CN=api", "CN=other-v2");
        assertThat(after.keys().get(0)).isSameAs(before.keys().get(0));
        assertThat(after.keys().get(1).alias()).isNotEqualTo(before.keys().get(1).alias());
        assertThat(files.keyManager().getPrivateKey(before.keys().get(1).alias()))
                .as("a handshake that chose just before the swap still finds its key").isNotNull();
        assertThat(messages(Level.INFO)).anyMatch(m -> m.startsWith("node.tls.certificates[1]: reloaded CN=other-v2"));
    }

    @Test
    void aBrokenFileKeepsThePreviousCertificateAndSaysWhy() throws IOException {
        CertificateSet before = files.keyManager().current();

        Files.writeString(other.cert(), "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
        files.poll();
        files.poll();

        assertThat(files.keyManager().current()).isSameAs(before);
        assertThat(messages(Level.WARN)).as("logged once per change").singleElement().asString()
                .startsWith("node.tls.certificates[1]: keeping the certificate loaded before (" + other.cert() + " + "
                        + other.key() + "): " + other.cert() + ": certificate 1 is not a valid X.509 certificate (");
    }

    @Test
    void aHalfWrittenPairIsPickedUpWhenTheSecondFileLands() throws IOException {
        TestPki.Leaf v2 = pki.leaf("api-v2");
        TestPki.replace(v2.cert(), api.cert());
        files.poll();
        assertThat(subjects(files.keyManager().current())).containsExactly("CN=api", "CN=other");
        assertThat(messages(Level.WARN)).singleElement().asString().contains("does not belong");

        TestPki.replace(v2.key(), api.key());
        files.poll();

        assertThat(subjects(files.keyManager().current())).containsExactly("CN=api-v2", "CN=other");
    }

    @Test
    void aDeletedFileKeepsThePreviousCertificate() throws IOException {
        CertificateSet before = files.keyManager().current();

        Files.delete(api.key());
        files.poll();

        assertThat(files.keyManager().current()).isSameAs(before);
        assertThat(messages(Level.WARN)).singleElement().asString().endsWith(api.key() + ": no such file");
    }

    @Test
    void aPairThatCannotBeLoadedAtStartNamesItsConfigPathAndFile() {
        Path missing = dir.resolve("missing.pem");
        List<CertificatePair> pairs = List.of(pair(api), new CertificatePair(missing.toString(), api.key().toString()));

        assertThatThrownBy(() -> CertificateFiles.load(pairs, Clock.systemUTC()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("node.tls.certificates[1]: cannot load the certificate")
                .cause().hasMessage(missing + ": no such file");
    }

    @Test
    void anExpiredCertificateIsLoadedWithAWarning() {
        Clock nextYear = Clock.fixed(Instant.now().plusSeconds(366L * 24 * 3600), ZoneOffset.UTC);

        CertificateFiles.load(List.of(pair(api)), nextYear);

        assertThat(messages(Level.WARN)).singleElement().asString().startsWith("node.tls.certificates[0]: the certificate of "
                + api.cert() + " + " + api.key() + " expired on ");
    }

    private List<String> messages(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static List<String> subjects(CertificateSet set) {
        return set.keys().stream().map(k -> k.leaf().getSubjectX500Principal().getName()).toList();
    }

    private static CertificatePair pair(TestPki.Leaf leaf) {
        return PemFilesTest.pair(leaf);
    }
}
