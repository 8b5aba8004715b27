package dev.gateway.node.admin;

import java.io.IOException;
import java.io.OutputStream;

/** What {@code GET /metrics} serves: an exposition format and its content type. */
public interface MetricsEndpoint {
    String contentType();

    void write(OutputStream out) throws IOException;
}
