package dev.gateway.node.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** Reads one part's answer: a 2xx JSON body of at most {@value #MAX_BYTES} bytes, parsed. */
final class PartCall {
    static final int MAX_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private PartCall() {
    }

    /** Completes with the parsed body, or fails with a 502 saying what was wrong with the answer. */
    static CompletableFuture<JsonNode> read(GatewayResponse response) {
        CompletableFuture<JsonNode> out = new CompletableFuture<>();
        if (response.status() < 200 || response.status() > 299) {
            response.body().discard();
            out.completeExceptionally(new GatewayException(502, "upstream answered " + response.status()));
            return out;
        }
        if (response.body().length() > MAX_BYTES) {
            response.body().discard();
            out.completeExceptionally(new GatewayException(502, "upstream answer larger than " + MAX_BYTES + " bytes"));
            return out;
        }
        response.body().subscribe(new BodySink() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private boolean tooLarge;

            @Override
            public boolean onData(ByteBuffer chunk, boolean last) {
                if (!tooLarge) {
                    if (bytes.size() + chunk.remaining() > MAX_BYTES) {
                        tooLarge = true;
                    } else {
                        byte[] b = new byte[chunk.remaining()];
                        chunk.get(b);
                        bytes.writeBytes(b);
                    }
                }
                if (last) {
                    if (tooLarge) {
                        out.completeExceptionally(new GatewayException(502,
                                "upstream answer larger than " + MAX_BYTES + " bytes"));
                    } else {
                        try {
                            out.complete(bytes.size() == 0 ? JSON.nullNode() : JSON.readTree(bytes.toByteArray()));
                        } catch (IOException e) {
                            out.completeExceptionally(new GatewayException(502, "upstream answer is not JSON"));
                        }
                    }
                }
                return true;
            }

            @Override
            public void onError(Throwable error) {
                // a timeout that cut the body (504) stays a timeout; anything else is a broken answer
                out.completeExceptionally(error instanceof GatewayException g && g.status() == 504 ? g
                        : new GatewayException(502, "upstream answer broke off", error));
            }
        });
        return out;
    }
}
