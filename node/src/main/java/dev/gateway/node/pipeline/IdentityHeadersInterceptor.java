package dev.gateway.node.pipeline;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import java.util.concurrent.CompletionStage;

/**
 * First link of every route: removes inbound copies of the identity headers the gateway itself
 * sets after authentication, so that no client can claim to be somebody ({@code X-Consumer-Id:
 * admin}).
 */
public final class IdentityHeadersInterceptor implements Interceptor {
    static final String[] IDENTITY_HEADERS = {"X-Consumer-Id", "X-Consumer-Plan", "X-Authenticated-Subject"};

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        Headers headers = request.headers();
        boolean spoofed = false;
        for (String name : IDENTITY_HEADERS) {
            spoofed |= headers.contains(name);
        }
        if (!spoofed) {
            return chain.proceed(request);
        }
        Headers cleaned = headers.copy();
        for (String name : IDENTITY_HEADERS) {
            cleaned.remove(name);
        }
        return chain.proceed(request.withHeaders(cleaned));
    }

    @Override
    public String toString() {
        return "identity headers";
    }
}
