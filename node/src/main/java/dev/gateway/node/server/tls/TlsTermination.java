package dev.gateway.node.server.tls;

import dev.gateway.config.TlsListenerConfig;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;

/**
 * TLS termination for the {@code node.tls} listener: the SSL engine configuration Grizzly's
 * listener uses (TLS 1.2/1.3 and the suites of {@link TlsPolicy}, no client certificates, the
 * certificate chosen by SNI) and the polling that reloads changed certificate files every
 * {@link #POLL_INTERVAL} on the node's timer. Built before the listener binds, so that a
 * certificate that cannot be read stops the node before it listens anywhere.
 */
public final class TlsTermination implements AutoCloseable {
    /** How often the certificate files are checked for changes. */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

    private final CertificateFiles files;
    private final SSLEngineConfigurator engines;
    private ScheduledFuture<?> watch;

    private TlsTermination(CertificateFiles files, SSLEngineConfigurator engines) {
        this.files = files;
        this.engines = engines;
    }

    /**
     * Reads every certificate and key of {@code config}.
     *
     * @throws UncheckedIOException when a pair cannot be loaded: its message names the config path
     *                              ({@code node.tls.certificates[1]}), its cause the file and the problem
     */
    public static TlsTermination load(TlsListenerConfig config) {
        CertificateFiles files = CertificateFiles.load(config.certificates(), Clock.systemUTC());
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {files.keyManager()}, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot create a TLS context", e);
        }
        SSLEngineConfigurator engines = new SSLEngineConfigurator(context, false, false, false)
                .setSSLParameters(TlsPolicy.serverParameters(context));
        return new TlsTermination(files, engines);
    }

    /** Server engines for the listener. */
    public SSLEngineConfigurator engineConfigurator() {
        return engines;
    }

    /** The add-on the TLS listener needs: see {@link TlsListenerAddOn}. */
    public AddOn addOn() {
        return new TlsListenerAddOn();
    }

    /** Starts checking the certificate files for changes on {@code timer}. */
    public synchronized void watch(ScheduledExecutorService timer) {
        if (watch == null) {
            long every = POLL_INTERVAL.toMillis();
            watch = timer.scheduleWithFixedDelay(files::poll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the checks; connections and the engine configuration are the listener's to close. */
    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.cancel(false);
        }
    }
}
