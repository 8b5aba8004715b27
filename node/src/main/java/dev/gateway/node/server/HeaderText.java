package dev.gateway.node.server;

import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http.util.BufferChunk;
import org.glassfish.grizzly.http.util.ByteChunk;
import org.glassfish.grizzly.http.util.DataChunk;

/**
 * Reads a header name or value as the octets it is, one char per byte (ISO-8859-1, as HTTP
 * treats field octets), straight from Grizzly's parse buffer. Grizzly's own {@code toString}
 * runs a charset decoder per call and was a tenth of the node's CPU in a profile.
 */
public final class HeaderText {
    private HeaderText() {
    }

    public static String of(DataChunk chunk) {
        switch (chunk.getType()) {
            case Buffer: {
                BufferChunk bc = chunk.getBufferChunk();
                Buffer buffer = bc.getBuffer();
                int start = bc.getStart();
                int length = bc.getEnd() - start;
                if (buffer.hasArray()) {
                    return new String(buffer.array(), buffer.arrayOffset() + start, length, StandardCharsets.ISO_8859_1);
                }
                byte[] bytes = new byte[length];
                for (int i = 0; i < length; i++) {
                    bytes[i] = buffer.get(start + i);
                }
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }
            case Bytes: {
                ByteChunk bc = chunk.getByteChunk();
                return new String(bc.getBuffer(), bc.getStart(), bc.getLength(), StandardCharsets.ISO_8859_1);
            }
            default:
                return chunk.toString();
        }
    }
}
