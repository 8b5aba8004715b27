package dev.gateway.node.server.tls;

import dev.gateway.config.CertificatePair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate and key files of {@code node.tls.certificates}, loaded at start and reloaded
 * when they change. {@link #poll()} compares each file's modification time, size and identity
 * with what it saw last; a pair with a changed file is read again, and if it reads well the key
 * manager gets a new set at once (new handshakes use it; open connections keep theirs). A pair
 * that does not read well keeps its previous certificate and the reason is logged, once per
 * change, naming the file: a half-written pair (new certificate, old key) is picked up when the
 * second file lands.
 *
 * <p>Not thread-safe: {@link #poll()} runs on one timer thread at a time.
 */
final class CertificateFiles {
    private static final Logger log = LoggerFactory.getLogger(CertificateFiles.class);

    private final List<CertificatePair> pairs;
    private final SniKeyManager keyManager;
    private final Clock clock;
    private final PairStamp[] stamps;
    private final CertifiedKey[] loaded;
    private long generation;

    private CertificateFiles(List<CertificatePair> pairs, Clock clock, PairStamp[] stamps, CertifiedKey[] loaded) {
        this.pairs = List.copyOf(pairs);
        this.clock = clock;
        this.stamps = stamps;
        this.loaded = loaded;
        this.keyManager = new SniKeyManager(new CertificateSet(Arrays.asList(loaded)));
    }

    /**
     * Reads every pair.
     *
     * @throws UncheckedIOException naming the pair's config path; its cause names the file and the problem
     */
    static CertificateFiles load(List<CertificatePair> pairs, Clock clock) {
        PairStamp[] stamps = new PairStamp[pairs.size()];
        CertifiedKey[] loaded = new CertifiedKey[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            stamps[i] = PairStamp.of(pairs.get(i));
            try {
                loaded[i] = CertifiedKey.load(pairs.get(i), alias(i, 0));
            } catch (IOException e) {
                throw new UncheckedIOException(path(i) + ": cannot load the certificate", e);
            }
        }
        CertificateFiles files = new CertificateFiles(pairs, clock, stamps, loaded);
        for (int i = 0; i < loaded.length; i++) {
            files.check(i, loaded[i]);
        }
        return files;
    }

    SniKeyManager keyManager() {
        return keyManager;
    }

    /** Reloads the pairs whose files changed since the last look; never throws. */
    void poll() {
        try {
            boolean changed = false;
            for (int i = 0; i < pairs.size(); i++) {
                PairStamp now = PairStamp.of(pairs.get(i));
                if (now.equals(stamps[i])) {
                    continue;
                }
                stamps[i] = now;
                changed |= reload(i);
            }
            if (changed) {
                keyManager.swap(new CertificateSet(Arrays.asList(loaded)));
            }
        } catch (RuntimeException e) {
            log.error("node.tls.certificates: reload check failed; the certificates in use stay", e);
        }
    }

    private boolean reload(int i) {
        CertifiedKey key;
        try {
            key = CertifiedKey.load(pairs.get(i), alias(i, ++generation));
        } catch (IOException e) {
            log.warn("{}: keeping the certificate loaded before ({}): {}", path(i), loaded[i].source(), e.getMessage());
            return false;
        }
        loaded[i] = key;
        log.info("{}: reloaded {} {}", path(i), key.leaf().getSubjectX500Principal().getName(), key.dnsNames());
        check(i, key);
        return true;
    }

    private void check(int i, CertifiedKey key) {
        if (clock.instant().isAfter(key.leaf().getNotAfter().toInstant())) {
            log.warn("{}: the certificate of {} expired on {}", path(i), key.source(), key.leaf().getNotAfter().toInstant());
        }
        if (i > 0 && key.dnsNames().isEmpty()) {
            log.warn("{}: the certificate of {} has no DNS names in its subjectAltName: SNI never chooses it",
                    path(i), key.source());
        }
    }

    private static String alias(int index, long generation) {
        return "cert-" + index + "-" + generation;
    }

    private static String path(int i) {
        return "node.tls.certificates[" + i + "]";
    }

    /** What a pair's files looked like; a file that cannot be looked at has a null stamp. */
    private record PairStamp(FileStamp cert, FileStamp key) {
        static PairStamp of(CertificatePair pair) {
            return new PairStamp(FileStamp.of(Path.of(pair.cert())), FileStamp.of(Path.of(pair.key())));
        }
    }

    private record FileStamp(long modifiedNanos, long size, Object fileKey) {
        static FileStamp of(Path file) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), a.fileKey());
            } catch (IOException e) {
                return null;
            }
        }
    }
}
