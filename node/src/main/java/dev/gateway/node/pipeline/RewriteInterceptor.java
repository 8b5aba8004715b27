package dev.gateway.node.pipeline;

import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.routing.Rewriter;
import java.util.concurrent.CompletionStage;

/** Rewrites the path sent upstream (strip-prefix, regex, add-prefix); the query is kept as sent. */
public final class RewriteInterceptor implements Interceptor {
    private final Rewriter rewriter;

    public RewriteInterceptor(Rewriter rewriter) {
        this.rewriter = rewriter;
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        return chain.proceed(chain.request().withPath(rewriter.apply(chain.request().path())));
    }

    @Override
    public String toString() {
        return "rewrite";
    }
}
