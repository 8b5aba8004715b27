package dev.gateway.node.compression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.CompressionConfig;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.BodySink;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.pipeline.Interceptor;
import dev.gateway.node.routing.Route;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the compression link does to responses, with a fake rest-of-chain. */
class CompressionInterceptorTest {
    private static final byte[] JSON = "{\"items\":[1,2,3,4,5,6,7,8,9]}".repeat(100).getBytes(StandardCharsets.UTF_8);

    private final CompressionInterceptor interceptor =
            new CompressionInterceptor(new CompressionConfig(List.of("application/json", "text/*"), 1024));

    @Test
    void anAcceptedMatchingResponseIsGzippedAndItsLengthDropped() throws IOException {
        GatewayResponse upstream = json(200, Body.of(JSON));
        upstream.headers().add("ETag", "\"v1\"").add("Accept-Ranges", "bytes").add("Content-Length", "" + JSON.length)
                .add("X-Other", "kept");

        GatewayResponse response = run(request("GET", "Accept-Encoding", "gzip, br"), () -> upstream);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
        assertThat(response.headers().get("Vary")).isEqualTo("Accept-Encoding");
        assertThat(response.headers().get("ETag")).isEqualTo("W/\"v1\"");
        assertThat(response.headers().contains("Content-Length")).isFalse();
        assertThat(response.headers().contains("Accept-Ranges")).isFalse();
        assertThat(response.headers().get("X-Other")).isEqualTo("kept");
        assertThat(response.body().length()).isEqualTo(-1);
        assertThat(GzipBodyTest.gunzip(read(response.body()))).isEqualTo(JSON);
    }

    @Test
    void aBodyOfUnknownLengthIsCompressedEvenIfSmall() throws IOException {
        byte[] small = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        GatewayResponse response = run(request("GET", "Accept-Encoding", "gzip"),
                () -> json(200, new GzipBodyTest.ChunkedSource(List.of(small))));

        assertThat(response.headers().get("Content-Encoding")).isEqualTo("gzip");
        assertThat(GzipBodyTest.gunzip(read(response.body()))).isEqualTo(small);
    }

    @Test
    void aKnownLengthBelowMinBytesIsUntouchedAtMinBytesCompressed() {
        GatewayResponse below = json(200, Body.of(new byte[1023]));
        GatewayResponse at = json(200, Body.of(new byte[1024]));

        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> below)).isSameAs(below);
        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> at).headers().get("Content-Encoding")).isEqualTo("gzip");
    }

    @Test
    void aClientThatDoesNotAcceptGzipGetsIdentityWithVary() {
        for (GatewayRequest request : List.of(request("GET"), request("GET", "Accept-Encoding", "gzip;q=0, br"))) {
            Body body = Body.of(JSON);
            GatewayResponse response = run(request, () -> json(200, body));

            assertThat(response.body()).isSameAs(body);
            assertThat(response.headers().contains("Content-Encoding")).isFalse();
            assertThat(response.headers().get("Vary")).isEqualTo("Accept-Encoding");
        }
    }

    @Test
    void headIsNeverCompressed() {
        GatewayResponse response = json(200, Body.of(JSON));

        assertThat(run(request("HEAD", "Accept-Encoding", "gzip"), () -> response)).isSameAs(response);
    }

    @ParameterizedTest(name = "status {0}")
    @ValueSource(ints = {101, 204, 206, 304})
    void statusesWithoutARepresentationToCompressAreUntouched(int status) {
        GatewayResponse response = json(status, Body.of(JSON));

        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> response)).isSameAs(response);
    }

    @Test
    void otherSuccessAndErrorStatusesAreCompressed() {
        for (int status : new int[] {201, 404, 500}) {
            GatewayResponse response = run(request("GET", "Accept-Encoding", "gzip"), () -> json(status, Body.of(JSON)));

            assertThat(response.headers().get("Content-Encoding")).as("status %d", status).isEqualTo("gzip");
        }
    }

    @Test
    void anAlreadyEncodedResponseIsUntouched() {
        GatewayResponse br = json(200, Body.of(JSON));
        br.headers().add("Content-Encoding", "br");
        GatewayResponse identity = json(200, Body.of(JSON));
        identity.headers().add("Content-Encoding", "identity");

        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> br)).isSameAs(br);
        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> identity).headers().get("Content-Encoding"))
                .isEqualTo("gzip");
    }

    @Test
    void noTransformAndRangesAreUntouched() {
        GatewayResponse noTransform = json(200, Body.of(JSON));
        noTransform.headers().add("Cache-Control", "public, No-Transform, max-age=60");
        GatewayResponse range = json(200, Body.of(JSON));
        range.headers().add("Content-Range", "bytes 0-99/1000");

        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> noTransform)).isSameAs(noTransform);
        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> range)).isSameAs(range);
    }

    @Test
    void typesNotListedOrMissingAndEmptyBodiesAreUntouched() {
        GatewayResponse png = response(200, Body.of(JSON), "image/png");
        GatewayResponse none = new GatewayResponse(200, new Headers(), Body.of(JSON));
        GatewayResponse empty = json(200, Body.empty());
        GatewayResponse html = response(200, Body.of(JSON), "text/html; charset=utf-8");

        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> png)).isSameAs(png);
        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> none)).isSameAs(none);
        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> empty)).isSameAs(empty);
        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> html).headers().get("Content-Encoding"))
                .isEqualTo("gzip");
    }

    @Test
    void anExistingVaryIsExtendedOnce() {
        GatewayResponse accept = json(200, Body.of(JSON));
        accept.headers().add("Vary", "Accept").add("vary", "Origin");
        GatewayResponse already = json(200, Body.of(JSON));
        already.headers().add("Vary", "accept-encoding");
        GatewayResponse star = json(200, Body.of(JSON));
        star.headers().add("Vary", "*");

        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> accept).headers().getAll("Vary"))
                .containsExactly("Accept, Origin, Accept-Encoding");
        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> already).headers().getAll("Vary"))
                .containsExactly("accept-encoding");
        assertThat(run(request("GET", "Accept-Encoding", "gzip"), () -> star).headers().getAll("Vary")).containsExactly("*");
    }

    @Test
    void theRequestGoesOnUntouchedEvenWithAGzipBody() {
        GatewayRequest upload = request("POST", "Content-Encoding", "gzip", "Accept-Encoding", "gzip");
        FakeChain chain = new FakeChain(upload, () -> json(200, Body.of(JSON)));

        interceptor.intercept(chain).toCompletableFuture().join();

        assertThat(chain.proceededWith).isSameAs(upload);
    }

    @Test
    void aFailureFromFurtherDownPassesThrough() {
        GatewayException failure = new GatewayException(502, "upstream failed");
        FakeChain chain = new FakeChain(request("GET", "Accept-Encoding", "gzip"), () -> {
            throw failure;
        });

        CompletableFuture<GatewayResponse> result = interceptor.intercept(chain).toCompletableFuture();

        assertThat(result).isCompletedExceptionally();
        try {
            result.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isSameAs(failure);
        }
    }

    private GatewayResponse run(GatewayRequest request, Supplier<GatewayResponse> answer) {
        return interceptor.intercept(new FakeChain(request, answer)).toCompletableFuture().join();
    }

    private static GatewayRequest request(String method, String... headers) {
        Headers h = new Headers();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return new GatewayRequest(new Exchange("127.0.0.1", "http", System.nanoTime(), "r1"), method, "/x", null, h, Body.empty());
    }

    private static GatewayResponse json(int status, Body body) {
        return response(status, body, "application/json");
    }

    private static GatewayResponse response(int status, Body body, String contentType) {
        return new GatewayResponse(status, new Headers().add("Content-Type", contentType), body);
    }

    private static byte[] read(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        body.subscribe(new BodySink() {
            @Override
            public boolean onData(ByteBuffer chunk, boolean last) {
                byte[] bytes = new byte[chunk.remaining()];
                chunk.get(bytes);
                out.writeBytes(bytes);
                if (last) {
                    done.complete(null);
                }
                return true;
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        done.join();
        return out.toByteArray();
    }

    /** The rest of the chain: answers with what it is given, remembering the request it got. */
    private static final class FakeChain implements Interceptor.Chain {
        private final GatewayRequest request;
        private final Supplier<GatewayResponse> answer;
        GatewayRequest proceededWith;

        FakeChain(GatewayRequest request, Supplier<GatewayResponse> answer) {
            this.request = request;
            this.answer = answer;
        }

        @Override
        public GatewayRequest request() {
            return request;
        }

        @Override
        public Route route() {
            return null;
        }

        @Override
        public CompletionStage<GatewayResponse> proceed(GatewayRequest next) {
            proceededWith = next;
            try {
                return CompletableFuture.completedFuture(answer.get());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }
}
