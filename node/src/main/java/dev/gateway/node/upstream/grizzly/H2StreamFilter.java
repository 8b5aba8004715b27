package dev.gateway.node.upstream.grizzly;

import java.io.IOException;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;

/**
 * The last filter of the HTTP/2 upstream chain: Grizzly's HTTP/2 client filter hands it each stream's response
 * parts (head, DATA, trailers), which go to the {@link H2Exchange} the stream's request carries.
 */
final class H2StreamFilter extends BaseFilter {
    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (!(message instanceof HttpContent content)) {
            return ctx.getStopAction();
        }
        HttpHeader header = content.getHttpHeader();
        HttpRequestPacket request = header instanceof HttpResponsePacket r ? r.getRequest() : null;
        Object exchange = request == null ? null : request.getAttribute(H2Exchange.ATTRIBUTE);
        if (!(exchange instanceof H2Exchange h2)) {
            content.recycle();
            return ctx.getStopAction();
        }
        return h2.onContent(ctx, content);
    }
}
