package dev.gateway.node.pipeline;

import dev.gateway.config.RequestTransform;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** The route's {@code request:} header changes: removals first, then the set headers. */
public final class RequestHeadersInterceptor implements Interceptor {
    private final String[] remove;
    private final String[] setNames;
    private final String[] setValues;

    public RequestHeadersInterceptor(RequestTransform transform) {
        this(transform.removeHeaders().toArray(String[]::new), transform.setHeaders());
    }

    RequestHeadersInterceptor(String[] remove, Map<String, String> set) {
        this.remove = remove;
        this.setNames = set.keySet().toArray(String[]::new);
        this.setValues = set.values().toArray(String[]::new);
    }


    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        Headers headers = chain.request().headers().copy();
        HeaderEdits.apply(headers, remove, setNames, setValues);
        return chain.proceed(chain.request().withHeaders(headers));
    }

    @Override
    public String toString() {
        return "request headers";
    }
}
