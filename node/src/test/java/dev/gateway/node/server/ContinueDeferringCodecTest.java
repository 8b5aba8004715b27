package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.glassfish.grizzly.http.ChunkedTransferEncoding;
import org.glassfish.grizzly.http.GZipContentEncoding;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.junit.jupiter.api.Test;

/** The codec that replaces Grizzly's keeps every setting Grizzly gave the original. */
class ContinueDeferringCodecTest {

    @Test
    void copiesTheSettingsOfTheCodecItReplaces() {
        NetworkListener listener = new NetworkListener("t", "127.0.0.1", 0);
        HttpServerFilter original = new HttpServerFilter();
        original.addContentEncoding(new GZipContentEncoding());
        original.setAllowPayloadForUndefinedHttpMethods(true);
        original.setMaxPayloadRemainderToSkip(-1);
        original.setRemoveHandledContentEncodingHeaders(true);
        original.setPreserveHeaderCase(true);
        original.setDefaultResponseContentType("text/plain");

        ContinueDeferringCodec codec = ContinueDeferringCodec.of(listener, original);

        assertThat(codec.getContentEncodings()).containsExactly(original.getContentEncodings());
        assertThat(codec.isAllowPayloadForUndefinedHttpMethods()).isTrue();
        assertThat(codec.getMaxPayloadRemainderToSkip()).isEqualTo(-1);
        assertThat(codec.isRemoveHandledContentEncodingHeaders()).isTrue();
        assertThat(codec.isPreserveHeaderCase()).isTrue();
        assertThat(codec.getDefaultResponseContentType()).isEqualTo("text/plain");
    }

    @Test
    void decodesChunkedBodiesThroughHeadFirstChunked() {
        ContinueDeferringCodec codec = ContinueDeferringCodec.of(new NetworkListener("t", "127.0.0.1", 0),
                new HttpServerFilter());

        assertThat(codec.getTransferEncodings()).hasAtLeastOneElementOfType(HeadFirstChunked.class)
                .noneMatch(ChunkedTransferEncoding.class::isInstance)
                .hasSize(new HttpServerFilter().getTransferEncodings().length);
    }
}
