package dev.gateway.node.admin;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What {@code GET /metrics} serves: an exposition format and its content type, chosen by the scrape's
 * {@code Accept} header (an endpoint with one format ignores it).
 */
public interface MetricsEndpoint {
    String contentType();

    void write(OutputStream out) throws IOException;

    /** The content type served to a scrape that sent {@code accept} (null: no Accept header). */
    default String contentType(String accept) {
        return contentType();
    }

    /** Writes the format {@link #contentType(String)} names for {@code accept}. */
    default void write(String accept, OutputStream out) throws IOException {
        write(out);
    }
}
