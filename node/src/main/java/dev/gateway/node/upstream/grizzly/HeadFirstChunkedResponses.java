package dev.gateway.node.upstream.grizzly;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.HttpClientFilter;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.ParsingResult;
import org.glassfish.grizzly.http.TransferEncoding;

/**
 * Grizzly's chunked transfer coding, except that a response head is passed on as soon as it is parsed. Grizzly's own
 * {@code ChunkedTransferEncoding.parsePacket} answers "do not send the head upstream" until a chunk-size line has
 * arrived, so an upstream that sends the head of an event stream and then waits for its first event would leave the
 * client without even the status line. {@code HttpCodecFilter} acts on this answer only on the read that completed
 * the head; every chunk is parsed by Grizzly.
 */
final class HeadFirstChunkedResponses implements TransferEncoding {
    private final ChunkedTransferEncoding chunked;

    private HeadFirstChunkedResponses(ChunkedTransferEncoding chunked) {
        this.chunked = chunked;
    }

    /** Grizzly's client codec with this coding in place of its chunked one. */
    static HttpClientFilter codec(int maxResponseHeaderBytes) {
        HttpClientFilter codec = new HttpClientFilter(maxResponseHeaderBytes);
        for (TransferEncoding encoding : codec.getTransferEncodings()) {
            if (encoding instanceof ChunkedTransferEncoding grizzlys) {
                codec.removeTransferEncoding(grizzlys);
                codec.addTransferEncoding(new HeadFirstChunkedResponses(grizzlys));
            }
        }
        return codec;
    }

    @Override
    public boolean wantDecode(HttpHeader header) {
        return chunked.wantDecode(header);
    }

    @Override
    public boolean wantEncode(HttpHeader header) {
        return chunked.wantEncode(header);
    }

    @Override
    public void prepareSerialize(FilterChainContext ctx, HttpHeader header, HttpContent content) {
        chunked.prepareSerialize(ctx, header, content);
    }

    @Override
    public ParsingResult parsePacket(FilterChainContext ctx, HttpHeader header, Buffer buffer) {
        ParsingResult result = chunked.parsePacket(ctx, header, buffer);
        if (result.getHttpContent() == null && !result.isSendHeaderUpstream()) {
            Buffer remainder = result.getRemainderBuffer();
            result.recycle();
            return ParsingResult.create(null, remainder, true);
        }
        return result;
    }

    @Override
    public Buffer serializePacket(FilterChainContext ctx, HttpContent content) {
        return chunked.serializePacket(ctx, content);
    }
}
