package dev.gateway.node.upstream.grizzly;

import dev.gateway.node.http.Headers;
import dev.gateway.node.server.HeaderText;
import dev.gateway.node.upstream.UpstreamCall;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.util.MimeHeaders;

/** Converts between the gateway's messages and Grizzly's packets on the upstream side. */
final class UpstreamMessages {
    private UpstreamMessages() {
    }

    /**
     * The request head of {@code call}, framed for its body: Content-Length when the length is
     * known (0 only for methods that carry a body), chunked when it is not.
     */
    static HttpRequestPacket request(UpstreamCall call) {
        // Only the request line goes through HttpRequestPacket.builder(): headers added through
        // the builder are kept in a table of its own and copied, which cost a tenth of the
        // node's CPU in a profile; they go straight into the packet instead.
        String pathAndQuery = call.pathAndQuery();
        int q = pathAndQuery.indexOf('?');
        HttpRequestPacket.Builder builder = HttpRequestPacket.builder()
                .method(call.method())
                .protocol(Protocol.HTTP_1_1)
                .uri(q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
        if (q >= 0) {
            builder.query(pathAndQuery.substring(q + 1));
        }
        HttpRequestPacket request = builder.build();
        MimeHeaders mime = request.getHeaders();
        Headers headers = call.headers();
        for (int i = 0; i < headers.size(); i++) {
            mime.addValue(headers.name(i)).setString(headers.value(i));
        }
        long length = call.body().length();
        if (length > 0 || (length == 0 && expectsBody(call.method()))) {
            request.setContentLengthLong(length);
        } else if (length < 0) {
            request.setChunked(true);
        }
        return request;
    }

    /** The response's headers without its framing, which is the gateway's own towards the client. */
    static Headers responseHeaders(HttpResponsePacket response, boolean noBody) {
        MimeHeaders mime = response.getHeaders();
        int n = mime.size();
        Headers headers = new Headers(n + 4);
        for (int i = 0; i < n; i++) {
            String name = HeaderText.of(mime.getName(i));
            if (name.equalsIgnoreCase("Transfer-Encoding") || (!noBody && name.equalsIgnoreCase("Content-Length"))) {
                continue;
            }
            headers.add(name, HeaderText.of(mime.getValue(i)));
        }
        return headers;
    }

    /** Whether the response to {@code call} has no body whatever its head says (HEAD, 204, 304). */
    static boolean noBody(UpstreamCall call, HttpResponsePacket response) {
        return call.method().equals("HEAD") || response.getStatus() == 204 || response.getStatus() == 304;
    }

    /** Whether {@code call} may be sent again on another connection: an idempotent method with a body in memory. */
    static boolean replayable(UpstreamCall call) {
        String m = call.method();
        boolean idempotent = m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS")
                || m.equals("PUT") || m.equals("DELETE") || m.equals("TRACE");
        return idempotent && call.body() instanceof dev.gateway.node.http.Body.FixedBody;
    }

    private static boolean expectsBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
