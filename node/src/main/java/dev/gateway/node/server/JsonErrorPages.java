package dev.gateway.node.server;

import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.Json;
import dev.gateway.node.runtime.RequestIds;
import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;

/**
 * The body of errors Grizzly answers before a request reaches the pipeline (malformed request
 * line or headers, headers too large): the same JSON shape as the gateway's own errors, never
 * a stack trace, with a fresh request id in the body and in {@code X-Request-Id}.
 */
final class JsonErrorPages implements ErrorPageGenerator {
    @Override
    public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        String message = reasonPhrase == null || reasonPhrase.isEmpty() ? "bad request" : reasonPhrase.toLowerCase();
        String id = RequestIds.random128();
        if (request != null && !request.getResponse().isCommitted()) {
            request.getResponse().setHeader(ErrorResponses.REQUEST_ID_HEADER, id);
        }
        return "{\"error\":" + Json.quote(message) + ",\"status\":" + status + ",\"request_id\":\"" + id + "\"}";
    }
}
