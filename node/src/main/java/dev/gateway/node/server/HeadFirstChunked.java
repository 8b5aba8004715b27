package dev.gateway.node.server;

import dev.gateway.node.upstream.grizzly.ChunkedCodingWrapper;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.ParsingResult;

/**
 * Grizzly's chunked transfer coding, except that a request whose {@code 100 Continue} {@link ContinueDeferringCodec}
 * held back is passed on with its head alone: Grizzly's own parser asks the codec to hold a chunked request's head
 * until a chunk-size line arrives, which such a client sends only after a 100. For every other message, and for every
 * chunk, the parsing is Grizzly's.
 */
final class HeadFirstChunked extends ChunkedCodingWrapper {
    HeadFirstChunked(ChunkedTransferEncoding chunked) {
        super(chunked);
    }

    @Override
    public ParsingResult parsePacket(FilterChainContext ctx, HttpHeader header, Buffer buffer) {
        ParsingResult result = chunked.parsePacket(ctx, header, buffer);
        if (result.getHttpContent() == null && !result.isSendHeaderUpstream()
                && header instanceof HttpRequestPacket request
                && request.getAttribute(ContinueDeferringCodec.DEFERRED) != null) {
            // Only the read that completed the head acts on this (the codec ignores it on later reads).
            Buffer remainder = result.getRemainderBuffer();
            result.recycle();
            return ParsingResult.create(null, remainder, true);
        }
        return result;
    }
}
