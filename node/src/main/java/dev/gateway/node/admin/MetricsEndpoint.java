package dev.gateway.node.admin;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What {@code GET /metrics} serves: an exposition format and its content type, chosen by the scrape's
 * {@code Accept} header (an endpoint with one format ignores it).
 */
public interface MetricsEndpoint {
    /** The content type served to a scrape that sent {@code accept} (null: no Accept header). */
    String contentType(String accept);

    /** Writes the format {@link #contentType(String)} names for {@code accept}. */
    void write(String accept, OutputStream out) throws IOException;
}
