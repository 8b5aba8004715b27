package dev.gateway.node.upstream.ahc;

import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.DataChunk;
import org.glassfish.grizzly.http.util.MimeHeaders;

/**
 * Takes out of a request head, before AHC's codec encodes it, the fields AHC adds when the
 * request lacks them ({@code User-Agent: AHC/...}, {@code Accept: *}{@code /*},
 * {@code Connection: keep-alive}): the client marks each field it wants left out with
 * {@link #PLACEHOLDER} as its value, AHC sees it present and adds nothing, and this filter
 * removes it. Sits between AHC's HTTP codec filter and its request filter (writes go from the
 * request filter towards the transport).
 */
final class RequestHeadScrubber extends BaseFilter {
    /** Never a real field value: a NUL cannot appear in one. */
    static final String PLACEHOLDER = "\u0000gateway-ahc-unset";
    private static final String[] NAMES = {"User-Agent", "Accept", "Connection"};

    @Override
    public NextAction handleWrite(FilterChainContext ctx) {
        Object message = ctx.getMessage();
        HttpHeader header = message instanceof HttpContent content ? content.getHttpHeader()
                : message instanceof HttpHeader h ? h : null;
        if (header instanceof HttpRequestPacket request && !request.isCommitted()) {
            MimeHeaders headers = request.getHeaders();
            for (String name : NAMES) {
                DataChunk value = headers.getValue(name);
                if (value != null && value.equals(PLACEHOLDER)) {
                    headers.removeHeader(name);
                }
            }
        }
        return ctx.getInvokeAction();
    }
}
