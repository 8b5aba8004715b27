package dev.gateway.node.upstream.ahc;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;

/**
 * Remembers, per thread, which connection is being read: AHC calls an {@code AsyncHandler} from
 * inside its HTTP codec filter, on the thread reading the response, without telling it the
 * connection; the response body needs the connection to stop and restart reading it
 * (back-pressure). Sits right after the transport filter of AHC's chain.
 */
final class ReadingConnection extends BaseFilter {
    private static final ThreadLocal<Connection<?>> CURRENT = new ThreadLocal<>();

    /** The connection whose bytes this thread is parsing, or null outside a read. */
    static Connection<?> current() {
        return CURRENT.get();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        CURRENT.set(ctx.getConnection());
        return ctx.getInvokeAction();
    }
}
