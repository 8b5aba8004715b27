package dev.gateway.node.pipeline;

import dev.gateway.config.ResponseTransform;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import java.util.concurrent.CompletionStage;

/**
 * The route's {@code response:} header changes, applied to upstream responses and to the
 * gateway's own error responses alike.
 */
public final class ResponseHeadersInterceptor implements Interceptor {
    private final String[] remove;
    private final String[] setNames;
    private final String[] setValues;

    public ResponseHeadersInterceptor(ResponseTransform transform) {
        this.remove = transform.removeHeaders().toArray(String[]::new);
        this.setNames = transform.setHeaders().keySet().toArray(String[]::new);
        this.setValues = transform.setHeaders().values().toArray(String[]::new);
    }


    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        return chain.proceed(chain.request()).handle((response, failure) -> {
            GatewayResponse r = failure == null ? response
                    : ErrorResponses.fromFailure(failure, chain.request().exchange());
            Headers headers = r.headers().copy();
            HeaderEdits.apply(headers, remove, setNames, setValues);
            return r.withHeaders(headers);
        });
    }

    @Override
    public String toString() {
        return "response headers";
    }
}
