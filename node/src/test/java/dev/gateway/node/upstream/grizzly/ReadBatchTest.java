package dev.gateway.node.upstream.grizzly;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

/**
 * Chunks of one read are batched only while the read certainly holds the next whole chunk, so that the client
 * side's flush per chunk costs one write per read, never a wait for the upstream.
 */
class ReadBatchTest {

    @Test
    void aRemainderHoldingTheNextWholeChunkMayWaitForIt() {
        assertThat(more("\r\n3\r\nabc\r\n")).isTrue();
        assertThat(more("3;ext=1\r\nabc\r\n4\r\nab")).as("the next one is whole, the one after need not be").isTrue();
        assertThat(more("\r\n0\r\n\r\n")).as("the last chunk, no trailers").isTrue();
    }

    @Test
    void anythingLessIsHandedOnAtOnce() {
        assertThat(more(null)).isFalse();
        assertThat(more("")).isFalse();
        assertThat(more("\r\n")).isFalse();
        assertThat(more("\r\n3\r\nab")).as("a chunk cut short: its rest may come much later").isFalse();
        assertThat(more("3\r\nabc")).as("data without its CRLF").isFalse();
        assertThat(more("1a")).as("a size line cut short").isFalse();
        assertThat(more("0\r\nX-Trailer: 1\r\n")).as("trailers: unsure, so not held").isFalse();
        assertThat(more("zz\r\n")).isFalse();
    }

    @Test
    void heldChunksGoOutWithTheFirstOneNotHeld() {
        ReadBatch batch = new ReadBatch();

        assertThat(batch.add(bytes("one "), true)).isNull();
        assertThat(batch.add(bytes("two "), true)).isNull();
        assertThat(text(batch.add(bytes("three"), false))).isEqualTo("one two three");
        assertThat(text(batch.add(bytes("alone"), false))).as("nothing held any more").isEqualTo("alone");
    }

    private static boolean more(String remainder) {
        Buffer buffer = remainder == null ? null
                : Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, remainder.getBytes(StandardCharsets.ISO_8859_1));
        return HeadFirstChunkedResponses.startsWithCompleteChunk(buffer);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b).toString();
    }
}
