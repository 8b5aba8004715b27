package dev.gateway.node.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /admin/openapi.json}: the OpenAPI 3.1 description of the admin API, written by hand in the jar's
 * {@code admin/openapi.json}. A test keeps it and {@link AdminApi#ROUTES} in step (every route documented, every
 * documented path and method answering as documented).
 */
final class OpenApiDocument {
    private static final String RESOURCE = "admin/openapi.json";
    private static final String TEXT = load();

    private OpenApiDocument() {
    }

    static AdminReply reply() {
        return new AdminReply(200, TEXT);
    }

    private static String load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the node's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + " does not read", e);
        }
    }
}
