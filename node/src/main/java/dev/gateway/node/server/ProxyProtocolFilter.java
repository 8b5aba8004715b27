package dev.gateway.node.server;

import java.io.IOException;
import java.util.function.Consumer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;

/**
 * Reads the PROXY protocol header at the start of each connection, just above the transport:
 * before TLS (the header precedes the handshake) and before the {@link ListenerGuard} and the
 * HTTP codec (which never see its bytes). With {@code proxy-protocol: true}:
 * <ul>
 *   <li>a trusted peer's connection must begin with a v1 or v2 header: missing
 *       ({@code proxy-protocol-missing}) or malformed ({@code proxy-protocol-malformed}), the
 *       connection is closed without an answer (the peer speaks PROXY, not HTTP). A header that
 *       names a client makes it the connection's peer ({@link ClientAddresses#proxied}); v2
 *       {@code LOCAL}, v1 {@code UNKNOWN} and non-IP families keep the socket peer;</li>
 *   <li>an untrusted peer's connection that begins with a header's signature is answered 400
 *       (the JSON error) and closed ({@code proxy-protocol-untrusted}); any other is passed on
 *       untouched, held back only while its first bytes (at most 12) could still be a signature.</li>
 * </ul>
 * The header is read under the guard's {@code header-timeout}, which runs from the connect: a
 * header still incomplete then gets the guard's 408 and the connection closes ({@code header-timeout}).
 * Every reason goes to the listener's {@code rejected} counter.
 */
final class ProxyProtocolFilter extends BaseFilter {
    private final Consumer<String> rejected;
    private final ClientAddresses addresses;
    private final Attribute<Progress> progress;

    /** Per connection, until its header is settled. */
    private static final class Progress {
        final boolean trusted;
        /** A trusted peer's header so far; untrusted peers' first bytes are read afresh at each read. */
        ProxyHeaderParser parser;
        boolean settled;
        boolean refused;

        Progress(boolean trusted) {
            this.trusted = trusted;
            this.parser = trusted ? new ProxyHeaderParser() : null;
        }
    }

    ProxyProtocolFilter(Consumer<String> rejected, ClientAddresses addresses) {
        this.rejected = rejected;
        this.addresses = addresses;
        this.progress = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute("gateway.proxy-protocol." + System.identityHashCode(this));
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        Connection<?> c = ctx.getConnection();
        progress.set(c, new Progress(addresses.trustsSocketPeer(c)));
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> c = ctx.getConnection();
        Progress p = progress.get(c);
        if (p == null) { // accepted before this chain was the connection's (listeners starting): judged now
            p = new Progress(addresses.trustsSocketPeer(c));
            progress.set(c, p);
        }
        if (p.settled) {
            return ctx.getInvokeAction();
        }
        if (p.refused) {
            return ctx.getStopAction();
        }
        Buffer buffer = ctx.getMessage();
        return p.trusted ? trusted(ctx, c, p, buffer) : untrusted(ctx, c, p, buffer);
    }

    /** Consumes the header; what follows it in the same read goes on up the chain. */
    private NextAction trusted(FilterChainContext ctx, Connection<?> c, Progress p, Buffer buffer) {
        ProxyHeaderParser parser = p.parser;
        int i = buffer.position();
        int end = buffer.limit();
        while (i < end && parser.state() == ProxyHeaderParser.State.NEED_MORE) {
            parser.offer(buffer.get(i++));
        }
        switch (parser.state()) {
            case NEED_MORE -> {
                return ctx.getStopAction();
            }
            case NOT_PROXY -> {
                return close(ctx, c, p, "proxy-protocol-missing");
            }
            case MALFORMED -> {
                return close(ctx, c, p, "proxy-protocol-malformed");
            }
            default -> {
                p.settled = true;
                p.parser = null;
                if (parser.header().source() != null) {
                    addresses.proxied(c, parser.header().source());
                }
                int rest = end - i;
                if (rest == 0) {
                    return ctx.getStopAction();
                }
                // A fresh buffer of what follows the header: Grizzly's HTTP codec reads its input from offset 0.
                Buffer request = ctx.getMemoryManager().allocate(rest);
                request.put(buffer, i, rest);
                request.flip();
                ctx.setMessage(request);
                return ctx.getInvokeAction();
            }
        }
    }

    /**
     * Looks at the first bytes only: a signature is refused, anything else passes whole. Bytes
     * that could still begin a signature are kept (Grizzly appends the next read to them).
     */
    private NextAction untrusted(FilterChainContext ctx, Connection<?> c, Progress p, Buffer buffer) {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        int i = buffer.position();
        int end = buffer.limit();
        while (i < end && parser.state() == ProxyHeaderParser.State.NEED_MORE && !parser.recognized()) {
            parser.offer(buffer.get(i++));
        }
        if (parser.recognized()) {
            p.refused = true;
            rejected.accept("proxy-protocol-untrusted");
            RawResponses.refuse(c, 400, "Bad Request", "PROXY protocol header from a peer that is not trusted");
            return ctx.getStopAction();
        }
        if (parser.state() == ProxyHeaderParser.State.NOT_PROXY) {
            p.settled = true;
            return ctx.getInvokeAction();
        }
        return ctx.getStopAction(buffer);
    }

    private NextAction close(FilterChainContext ctx, Connection<?> c, Progress p, String reason) {
        p.refused = true;
        p.parser = null;
        rejected.accept(reason);
        c.closeSilently();
        return ctx.getStopAction();
    }
}
