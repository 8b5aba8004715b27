package dev.gateway.node.upstream.grizzly;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;

/**
 * Sees the upstream's RST_STREAM frames on an HTTP/2 upstream connection, below Grizzly's codec: grizzly-http2 4.0.2
 * marks a stream the peer reset as closed but tells nobody while no response head has come, so an exchange waiting
 * for its head would wait for its timeout. A reset with an error code fails its exchange once the frames read with it
 * were processed (a reset after a complete answer changes nothing); RST_STREAM NO_ERROR (a server ending a stream whose
 * answer it sent in full) is left alone. Frames are followed by their 9-byte headers across reads.
 */
final class H2ResetWatch extends BaseFilter {
    private final Attribute<Scan> scans = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
            "gateway.upstream.h2.scan." + System.identityHashCode(this));
    private final Attribute<H2Target.Live> lives;

    H2ResetWatch(Attribute<H2Target.Live> lives) {
        this.lives = lives;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Object message = ctx.getMessage();
        if (message instanceof Buffer buffer) {
            Connection<?> connection = ctx.getConnection();
            Scan scan = scans.get(connection);
            if (scan == null) {
                scan = new Scan();
                scans.set(connection, scan);
            }
            List<Integer> resets = scan.scan(buffer);
            if (!resets.isEmpty()) {
                ctx.addCompletionListener(done -> {
                    H2Target.Live live = lives.get(connection);
                    if (live != null) {
                        for (H2Exchange exchange : live.exchanges) {
                            if (resets.contains(exchange.streamId())) {
                                exchange.peerReset();
                            }
                        }
                    }
                });
            }
        }
        return ctx.getInvokeAction();
    }

    /** Where one connection's inbound bytes are in the frame sequence. */
    static final class Scan {
        private final byte[] head = new byte[9];
        private int headFill;
        private int payloadLeft;
        private int type;
        private int streamId;
        private int code;
        private int codeFill;

        /** The streams reset with an error code by the frames that end in {@code b}; {@code b} is not consumed. */
        List<Integer> scan(Buffer b) {
            List<Integer> resets = List.of();
            int i = b.position();
            int end = b.limit();
            while (i < end) {
                if (headFill < 9) {
                    head[headFill++] = b.get(i++);
                    if (headFill == 9) {
                        payloadLeft = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
                        type = head[3] & 0xff;
                        streamId = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8)
                                | (head[8] & 0xff);
                        code = 0;
                        codeFill = 0;
                        if (payloadLeft == 0) {
                            headFill = 0;
                        }
                    }
                    continue;
                }
                if (type == 0x3) {
                    code = (code << 8) | (b.get(i++) & 0xff);
                    codeFill++;
                    payloadLeft--;
                } else {
                    int skip = Math.min(payloadLeft, end - i);
                    i += skip;
                    payloadLeft -= skip;
                }
                if (payloadLeft == 0) {
                    if (type == 0x3 && codeFill == 4 && code != 0) {
                        if (resets.isEmpty()) {
                            resets = new ArrayList<>(2);
                        }
                        resets.add(streamId);
                    }
                    headFill = 0;
                }
            }
            return resets;
        }
    }
}
