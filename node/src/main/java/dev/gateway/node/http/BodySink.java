package dev.gateway.node.http;

import java.nio.ByteBuffer;

/** Receives a {@link Body}'s bytes; see {@link Body} for the calling contract. */
public interface BodySink {

    /**
     * One chunk of the body; {@code last} marks the final call (its chunk may be empty).
     * The sink owns {@code chunk} from here on.
     *
     * @return false to pause the body until {@link Body#resume()}
     */
    boolean onData(ByteBuffer chunk, boolean last);

    /** The body failed before its last chunk: the source broke or was aborted. */
    void onError(Throwable error);
}
