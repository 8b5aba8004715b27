package dev.gateway.node.pipeline;

import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Carries a correlation id in the configured header: the client's when it sent a usable one
 * (1 to 128 visible ASCII characters), else a new one. The id goes upstream, comes back on the
 * response (errors included) and becomes the request id of logs and error bodies.
 */
public final class CorrelationIdInterceptor implements Interceptor {
    private static final int MAX_LENGTH = 128;

    private final String header;
    private final Supplier<String> ids;

    public CorrelationIdInterceptor(String header, Supplier<String> ids) {
        this.header = header;
        this.ids = ids;
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        String id = request.headers().get(header);
        Headers headers = request.headers();
        if (!usable(id)) {
            id = ids.get();
            headers = headers.copy();
            headers.set(header, id);
        }
        request.exchange().requestId(id);
        String finalId = id;
        return chain.proceed(request.withHeaders(headers)).handle((response, failure) -> {
            GatewayResponse r = failure == null ? response : ErrorResponses.fromFailure(failure, request.exchange());
            Headers out = r.headers().copy();
            out.set(header, finalId);
            return r.withHeaders(out);
        });
    }

    static boolean usable(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "correlation id " + header;
    }
}
