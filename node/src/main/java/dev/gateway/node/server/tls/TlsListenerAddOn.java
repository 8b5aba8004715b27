package dev.gateway.node.server.tls;

import java.io.IOException;
import javax.net.ssl.SSLEngine;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.ssl.SSLBaseFilter;
import org.glassfish.grizzly.ssl.SSLUtils;

/**
 * Adjusts the TLS listener's filter chain after Grizzly built it:
 * <ul>
 *   <li>TLS 1.2 renegotiation is refused (a CPU cost a client could impose at will; TLS 1.3 has none);</li>
 *   <li>a response written to a connection whose handshake has not completed closes it instead.
 *       The listener guard answers slow or excess connections with raw HTTP refusals (408 when
 *       the head is late, 503 over the connection limit); a client that connected and never
 *       finished its handshake cannot read one, and Grizzly's SSL filter fails on it.</li>
 * </ul>
 */
final class TlsListenerAddOn implements AddOn {
    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int ssl = builder.indexOfType(SSLBaseFilter.class);
        if (ssl < 0) {
            throw new IllegalStateException("listener " + listener.getName() + " has no SSL filter");
        }
        ((SSLBaseFilter) builder.get(ssl)).setRenegotiationDisabled(true);
        builder.add(ssl + 1, new HandshakeFirst());
    }

    /**
     * Sits just above the SSL filter: sees plaintext going down, before it is encrypted. Until a
     * first handshake completes the engine's session is the JDK's null session; a later TLS 1.3
     * key update does not bring that back, so established connections always pass.
     */
    private static final class HandshakeFirst extends BaseFilter {
        private static final String NO_SESSION_YET = "SSL_NULL_WITH_NULL_NULL";

        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            SSLEngine engine = SSLUtils.getSSLEngine(ctx.getConnection());
            if (engine == null || NO_SESSION_YET.equals(engine.getSession().getCipherSuite())) {
                ctx.getConnection().closeSilently();
                return ctx.getStopAction();
            }
            return ctx.getInvokeAction();
        }
    }
}
