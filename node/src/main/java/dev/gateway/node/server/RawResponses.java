package dev.gateway.node.server;

import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.Json;
import dev.gateway.node.runtime.RequestIds;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Answers a connection below the HTTP codec, for refusals that happen before a request exists
 * (too many connections, a head too large or too slow, a malformed head): the JSON error of
 * docs/configuration.md with {@code Connection: close} and a fresh request id (in the body and in
 * {@code X-Request-Id}, as every answer of the gateway's own), then the connection is closed.
 */
final class RawResponses {
    private RawResponses() {
    }

    static void refuse(Connection<?> connection, int status, String reason, String message) {
        String id = RequestIds.random128();
        byte[] body = ("{\"error\":" + Json.quote(message) + ",\"status\":" + status
                + ",\"request_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Cache-Control: no-store\r\n"
                + ErrorResponses.REQUEST_ID_HEADER + ": " + id + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        Buffer buffer = Buffers.wrap(connection.getMemoryManager(), all);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Connection<Object> raw = (Connection) connection;
        raw.write(buffer, new EmptyCompletionHandler<WriteResult<Buffer, Object>>() {
            @Override
            public void completed(WriteResult<Buffer, Object> result) {
                connection.closeSilently();
            }

            @Override
            public void failed(Throwable throwable) {
                connection.closeSilently();
            }
        });
    }
}
