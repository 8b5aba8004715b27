package dev.gateway.node.upstream.grizzly;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.TransferEncoding;

/**
 * Grizzly's chunked transfer coding with only its parsing changed: everything but {@code parsePacket} goes to
 * Grizzly's own. The base of the gateway's two variants (a request head passed on before its first chunk on the
 * listener, a response head on the upstream side).
 */
public abstract class ChunkedCodingWrapper implements TransferEncoding {
    protected final ChunkedTransferEncoding chunked;

    protected ChunkedCodingWrapper(ChunkedTransferEncoding chunked) {
        this.chunked = chunked;
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
    public Buffer serializePacket(FilterChainContext ctx, HttpContent content) {
        return chunked.serializePacket(ctx, content);
    }
}
