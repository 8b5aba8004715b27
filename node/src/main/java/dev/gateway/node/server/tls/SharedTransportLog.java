package dev.gateway.node.server.tls;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.glassfish.grizzly.localization.LogMessages;
import org.glassfish.grizzly.nio.NIOTransport;

/**
 * Every Grizzly listener starts its transport; on the transport the TLS listener shares with the
 * plain one, the second start finds it running and Grizzly logs a warning
 * ({@code GRIZZLY0020: Transport is not in STOP state!}) while doing nothing wrong. This drops
 * that one message from Grizzly's transport logger, and nothing else. Installing it changes
 * process-wide logging configuration, once; a filter already there keeps its say.
 */
public final class SharedTransportLog {
    /** Held so that java.util.logging keeps the logger, and the filter on it, alive. */
    private static final Logger TRANSPORT_LOG = Logger.getLogger(NIOTransport.class.getName());

    private SharedTransportLog() {
    }

    public static void quietSecondStart() {
        synchronized (TRANSPORT_LOG) {
            Filter previous = TRANSPORT_LOG.getFilter();
            if (!(previous instanceof WithoutSecondStart)) {
                TRANSPORT_LOG.setFilter(new WithoutSecondStart(previous, LogMessages.WARNING_GRIZZLY_TRANSPORT_NOT_STOP_STATE_EXCEPTION()));
            }
        }
    }

    private record WithoutSecondStart(Filter previous, String message) implements Filter {
        @Override
        public boolean isLoggable(LogRecord record) {
            return !message.equals(record.getMessage()) && (previous == null || previous.isLoggable(record));
        }
    }
}
