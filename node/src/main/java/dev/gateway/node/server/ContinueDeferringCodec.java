package dev.gateway.node.server;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.ContentEncoding;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.TransferEncoding;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;

/**
 * Grizzly's HTTP server codec, less its own {@code 100 Continue} for a chunked request body, so that the gateway
 * sends that 100 only once the request is admitted, as it does for a Content-Length body
 * ({@link GrizzlyRequestBody}).
 *
 * <p>In Grizzly 4.1, {@code HttpServerFilter.prepareRequest} (run by {@code onHttpHeaderParsed} as soon as a head
 * is parsed) acknowledges an {@code Expect: 100-continue} of an HTTP/1.1 chunked request whose first read holds no
 * body byte itself, at once: its private {@code sendAcknowledgment} encodes the response as an interim 100 and
 * writes it, before any handler runs (Grizzly issue 2222; a Content-Length request is left to the handler). And
 * {@code ChunkedTransferEncoding.parsePacket} answers "do not send the head upstream" while no chunk-size line has
 * arrived, so {@code HttpCodecFilter.decodeWithTransferEncoding} passes a chunked request to the handler only with
 * its first chunk: the client would have to upload before a refusal could reach it.
 *
 * <p>This codec changes both, for such a request only: the interim 100 encoded while its head is being parsed is
 * dropped (the response packet is marked acknowledged, as if it had gone out), and its chunked decoding
 * ({@link HeadFirstChunked}) passes the head on at once. The handler then sees the request before any chunk, with
 * {@code Expect: 100-continue} and nothing read: the 100 is the gateway's to send, later, or never.
 *
 * <p>Installed by {@link #addOn()} in place of the codec Grizzly's {@code HttpServer} built for a listener, with the
 * same settings. Stateless apart from the settings; thread-safe like the filter it extends.
 */
final class ContinueDeferringCodec extends HttpServerFilter {
    /** On a request while its head is being parsed: an interim 100 encoded meanwhile is Grizzly's own. */
    private static final String PARSING_HEAD = "dev.gateway.continue.parsing-head";
    /** On a request whose 100 this codec held back: the handler sends it, or refuses the request. */
    static final String DEFERRED = "dev.gateway.continue.deferred";

    /**
     * The arguments {@code HttpServer.configureListener} gives Grizzly's own codec (its 7-argument constructor:
     * no default content type, no delayed executor, the listener's chunking, header size and keep-alive).
     */
    @SuppressWarnings("deprecation")
    private ContinueDeferringCodec(NetworkListener listener) {
        super(listener.isChunkingEnabled(), maxHeaderSize(listener), null, listener.getKeepAlive(), null,
                listener.getMaxRequestHeaders(), listener.getMaxResponseHeaders());
        for (TransferEncoding encoding : getTransferEncodings()) {
            if (encoding instanceof ChunkedTransferEncoding chunked) {
                removeTransferEncoding(chunked);
                addTransferEncoding(new HeadFirstChunked(chunked));
            }
        }
    }

    /** The add-on that puts this codec in place of the listener's. */
    static AddOn addOn() {
        return (NetworkListener listener, FilterChainBuilder builder) -> {
            int index = builder.indexOfType(HttpServerFilter.class);
            builder.set(index, of(listener, (HttpServerFilter) builder.get(index)));
        };
    }

    /** A codec with the settings of {@code original}, the codec Grizzly built for {@code listener}. */
    static ContinueDeferringCodec of(NetworkListener listener, HttpServerFilter original) {
        ContinueDeferringCodec codec = new ContinueDeferringCodec(listener);
        for (ContentEncoding encoding : original.getContentEncodings()) {
            codec.addContentEncoding(encoding);
        }
        codec.setAllowPayloadForUndefinedHttpMethods(original.isAllowPayloadForUndefinedHttpMethods());
        codec.setMaxPayloadRemainderToSkip(original.getMaxPayloadRemainderToSkip());
        codec.setRemoveHandledContentEncodingHeaders(original.isRemoveHandledContentEncodingHeaders());
        codec.setPreserveHeaderCase(original.isPreserveHeaderCase());
        codec.setDefaultResponseContentType(original.getDefaultResponseContentType());
        codec.getMonitoringConfig().addProbes(original.getMonitoringConfig().getProbes());
        return codec;
    }

    private static int maxHeaderSize(NetworkListener listener) {
        int size = listener.getMaxHttpHeaderSize();
        return size == -1 ? HttpServerFilter.DEFAULT_MAX_HTTP_PACKET_HEADER_SIZE : size;
    }

    @Override
    protected boolean onHttpHeaderParsed(HttpHeader header, Buffer buffer, FilterChainContext ctx) {
        HttpRequestPacket request = (HttpRequestPacket) header;
        if (!request.containsHeader(Header.Expect)) {
            return super.onHttpHeaderParsed(header, buffer, ctx); // nothing to acknowledge: no marker to set per request
        }
        request.setAttribute(PARSING_HEAD, Boolean.TRUE);
        try {
            return super.onHttpHeaderParsed(header, buffer, ctx);
        } finally {
            request.removeAttribute(PARSING_HEAD);
        }
    }

    /** Drops the interim 100 Grizzly encodes while a head is parsed; every other packet, the gateway's 100 too, goes. */
    @Override
    protected Buffer encodeHttpPacket(FilterChainContext ctx, HttpPacket packet) {
        if (packet instanceof HttpResponsePacket response && response.isAcknowledgement()
                && response.getRequest().getAttribute(PARSING_HEAD) != null) {
            response.acknowledged(); // back to an unanswered response; the request no longer awaits Grizzly's 100
            response.getRequest().setAttribute(DEFERRED, Boolean.TRUE);
            return null; // Grizzly writes nothing for a null encoding
        }
        return super.encodeHttpPacket(ctx, packet);
    }
}
