package dev.gateway.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.node.GatewayNode;
import dev.gateway.node.support.GatedStreamUpstream;
import dev.gateway.node.support.StreamingGet;
import dev.gateway.node.support.TestConfigs;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Server-sent events and other long responses flow piece by piece: each piece reaches the client while the
 * upstream still holds the response open ({@link GatedStreamUpstream} sends the next piece only once the test
 * has read this one through the gateway), on a plain route, with compression (gzip flushed per upstream chunk)
 * and with a cache (an event stream is never stored). A piece held back fails the read with a timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class StreamingResponseTest {
    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final List<String> EVENTS = List.of("id: 1\ndata: first\n\n", "id: 2\ndata: second\n\n",
            "id: 3\ndata: third\n\n");
    private static final List<String> CHUNKS = List.of("a".repeat(100), "b".repeat(100), "c".repeat(100));

    private GatedStreamUpstream upstream;
    private GatewayNode node;

    /** Starts the node under test from the shared sections {@code yaml}; the AHC variant overrides it. */
    protected GatewayNode startNode(String yaml) throws Exception {
        return GatewayNode.start(TestConfigs.withDefaults(yaml));
    }

    @BeforeAll
    void start() throws Exception {
        upstream = GatedStreamUpstream.start()
                .stream("/plain/events", "text/event-stream", "Cache-Control: no-cache\r\n", EVENTS)
                .stream("/plain/quiet", "text/event-stream", "", concat("", EVENTS))
                .stream("/gzip/events", "text/event-stream", "", EVENTS)
                .stream("/cached/events", "text/event-stream; charset=utf-8", "Cache-Control: max-age=60\r\n", EVENTS)
                .stream("/cached/chunks", "application/octet-stream", "Cache-Control: max-age=60\r\n", CHUNKS)
                .stream("/plain/chunks", "application/octet-stream", "", CHUNKS);
        node = startNode("""
                upstreams:
                  events: {targets: ["http://127.0.0.1:%d"], timeouts: {response: 60s}}
                routes:
                  - {id: plain, match: {path: /plain/**}, upstream: events}
                  - {id: gzip, match: {path: /gzip/**}, upstream: events, compression: {types: [text/*], min-bytes: 0}}
                  - id: cached
                    match: {path: /cached/**}
                    upstream: events
                    cache: {ttl: 60s}
                    compression: {types: [text/*, application/octet-stream], min-bytes: 0}
                """.formatted(upstream.port()));
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void eventsReachTheClientOneByOne() throws Exception {
        try (StreamingGet get = get("/plain/events", "Accept: text/event-stream\r\n")) {
            assertThat(get.head().status()).isEqualTo(200);
            assertThat(get.head().header("Content-Type")).isEqualTo("text/event-stream");
            assertEventsOneByOne(get);
        }
    }

    @Test
    void theHeadOfAnEventStreamGoesOutBeforeItsFirstEvent() throws Exception {
        try (StreamingGet get = get("/plain/quiet", "")) {
            assertThat(get.head().status()).isEqualTo(200);
            upstream.sendNext();
            assertEventsOneByOne(get);
        }
    }

    @Test
    void gzippedEventsAreFlushedOneByOne() throws Exception {
        try (StreamingGet get = get("/gzip/events", "Accept-Encoding: gzip\r\n")) {
            assertThat(get.head().header("Content-Encoding")).as("event streams are compressed, flushed per chunk")
                    .isEqualTo("gzip");
            assertEventsOneByOne(get);
        }
    }

    @Test
    void eventsOnACachingRouteAreNeitherHeldBackNorStored() throws Exception {
        for (int round = 1; round <= 2; round++) {
            try (StreamingGet get = get("/cached/events", "Accept-Encoding: gzip\r\n")) {
                assertThat(get.head().header("X-Cache")).as("round %d", round).isEqualTo("MISS");
                assertEventsOneByOne(get);
            }
        }
        assertThat(upstream.served("/cached/events")).as("every request reaches the upstream").isEqualTo(2);
    }

    @Test
    void aLongChunkedResponseFlowsChunkByChunk() throws Exception {
        try (StreamingGet get = get("/plain/chunks", "")) {
            assertChunksOneByOne(get);
        }
    }

    @Test
    void aLongChunkedResponseOnACachingRouteFlowsChunkByChunkAndIsStored() throws Exception {
        try (StreamingGet get = get("/cached/chunks", "")) {
            assertThat(get.head().header("X-Cache")).isEqualTo("MISS");
            assertChunksOneByOne(get);
        }
        try (StreamingGet again = get("/cached/chunks", "")) {
            assertThat(again.head().header("X-Cache")).as("a finished non-event stream is cacheable").isEqualTo("HIT");
            assertThat(again.next(300)).isEqualTo(String.join("", CHUNKS));
        }
        assertThat(upstream.served("/cached/chunks")).isEqualTo(1);
    }

    private void assertEventsOneByOne(StreamingGet get) throws Exception {
        for (String event : EVENTS) {
            assertThat(get.nextEvent()).isEqualTo(event);
            upstream.sendNext();
        }
        assertThat(get.ended()).isTrue();
    }

    private void assertChunksOneByOne(StreamingGet get) throws Exception {
        for (String chunk : CHUNKS) {
            assertThat(get.next(chunk.length())).isEqualTo(chunk);
            upstream.sendNext();
        }
        assertThat(get.ended()).isTrue();
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private StreamingGet get(String path, String headerLines) throws Exception {
        return StreamingGet.open(node.proxyPort(), path, headerLines, READ_TIMEOUT_MILLIS);
    }
}
