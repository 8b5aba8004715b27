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
final class HeadFirstChunkedResponses extends ChunkedCodingWrapper {
    /**
     * On the filter chain context, for the filter after the codec: whether the read that produced this chunk also
     * holds the next complete chunk (which the codec passes on before the read ends), so it may be batched with it
     * ({@link ReadBatch}). Absent or false: nothing more is certain in this read.
     */
    static final String MORE_IN_READ = "dev.gateway.upstream.more-in-read";

    private HeadFirstChunkedResponses(ChunkedTransferEncoding chunked) {
        super(chunked);
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
    public ParsingResult parsePacket(FilterChainContext ctx, HttpHeader header, Buffer buffer) {
        ParsingResult result = chunked.parsePacket(ctx, header, buffer);
        if (result.getHttpContent() == null && !result.isSendHeaderUpstream()) {
            Buffer remainder = result.getRemainderBuffer();
            result.recycle();
            return ParsingResult.create(null, remainder, true);
        }
        HttpContent content = result.getHttpContent();
        if (content != null) {
            ctx.getAttributes().setAttribute(MORE_IN_READ, !content.isLast() && startsWithCompleteChunk(result.getRemainderBuffer()));
        }
        return result;
    }

    /**
     * Whether {@code b} begins (after the CRLF that ends the previous chunk's data, if it is still there) with a whole
     * chunk: its size line, its data and their CRLF, or a last chunk without trailers. False whenever unsure.
     */
    static boolean startsWithCompleteChunk(Buffer b) {
        if (b == null) {
            return false;
        }
        int i = b.position();
        int limit = b.limit();
        if (limit - i >= 2 && b.get(i) == '\r' && b.get(i + 1) == '\n') {
            i += 2;
        }
        long size = 0;
        int digits = 0;
        for (; i < limit && Character.digit(b.get(i), 16) >= 0; i++) {
            if (++digits > 12) {
                return false;
            }
            size = size * 16 + Character.digit(b.get(i), 16);
        }
        if (digits == 0) {
            return false;
        }
        for (int extension = 0; i < limit && b.get(i) != '\n'; i++) { // chunk extensions, up to the LF
            if (++extension > 1024) {
                return false;
            }
        }
        if (i >= limit) {
            return false;
        }
        i++;
        if (size == 0) {
            return limit - i >= 2 && b.get(i) == '\r' && b.get(i + 1) == '\n';
        }
        return limit - i >= size + 2;
    }
}
