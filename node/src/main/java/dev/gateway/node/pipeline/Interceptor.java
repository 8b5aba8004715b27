package dev.gateway.node.pipeline;

import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.routing.Route;
import java.util.concurrent.CompletionStage;

/**
 * One link of the request pipeline. Implementations are stateless per request (per-request data
 * lives on the {@link GatewayRequest} and its {@link dev.gateway.node.http.Exchange}) and must
 * never block: they return a stage that completes when the response is known.
 *
 * <p>A failure the client should see is a {@link dev.gateway.node.http.GatewayException}, thrown
 * or as the stage's exception; anything else is answered 500 and logged.
 */
public interface Interceptor {

    CompletionStage<GatewayResponse> intercept(Chain chain);

    /** The rest of the pipeline, as seen by one interceptor. */
    interface Chain {
        GatewayRequest request();

        Route route();

        /** Passes {@code request} to the next link; callable at most once. */
        CompletionStage<GatewayResponse> proceed(GatewayRequest request);
    }
}
