package dev.gateway.node.server;

import dev.gateway.node.grpc.GrpcRefusals;
import dev.gateway.node.http.Body;
import dev.gateway.node.http.ErrorResponses;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.observability.FinishedRequests;
import dev.gateway.node.pipeline.HopByHop;
import dev.gateway.node.routing.PathNormalizer;
import dev.gateway.node.runtime.GatewayRuntime;
import dev.gateway.node.runtime.RuntimeHolder;
import java.util.function.Supplier;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.io.NIOInputStream;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.MimeHeaders;

/**
 * The proxy listener's only handler: converts Grizzly's request into a {@link GatewayRequest},
 * suspends, runs it on the current runtime, and writes whatever comes back. Never blocks the
 * selector thread it runs on.
 */
final class ProxyHttpHandler extends HttpHandler {
    /** Of a request body left unread by an early answer, at most this much is read and dropped to keep the connection. */
    static final long MAX_DRAIN_BYTES = 64 * 1024;
    private final RuntimeHolder runtimes;
    private final Supplier<String> requestIds;
    private final long maxBodyBytes;
    private final FinishedRequests finished;
    private final String hsts;
    private final java.util.function.BooleanSupplier draining;
    private final ClientAddresses addresses;
    /** Ends a connection whose answer leaves its request body unread: a lingering close ({@link ListenerGuard#linger}). */
    private final java.util.function.Consumer<org.glassfish.grizzly.Connection<?>> linger;
    private final PathNormalizer paths;
    private final WebSocketUpgrades webSockets;
    private final H2Requests h2;

    /**
     * @param hsts     the {@code Strict-Transport-Security} value of every answer over TLS; null for none
     * @param draining true once the node stops: answers then close their connections
     * @param addresses the client address of each request: every feature that needs one reads it from the exchange
     * @param paths     normalizes each request's path; the path it gives is routed and forwarded alike
     * @param webSockets turns the upstream's 101 to a WebSocket upgrade into a tunnel
     */
    ProxyHttpHandler(RuntimeHolder runtimes, Supplier<String> requestIds, long maxBodyBytes, FinishedRequests finished,
                     String hsts, java.util.function.BooleanSupplier draining, ClientAddresses addresses,
                     PathNormalizer paths, java.util.function.Consumer<org.glassfish.grizzly.Connection<?>> linger,
                     WebSocketUpgrades webSockets, H2Requests h2) {
        this.webSockets = webSockets;
        this.h2 = h2;
        this.linger = linger;
        this.draining = draining;
        this.addresses = addresses;
        this.paths = paths;
        this.runtimes = runtimes;
        this.requestIds = requestIds;
        this.maxBodyBytes = maxBodyBytes;
        this.finished = finished;
        this.hsts = hsts;
    }

    @Override
    public void service(Request request, Response response) {
        if (h2.refused(request.getContext().getConnection(), request.getRequest())) {
            return;
        }
        long start = System.nanoTime();
        Exchange exchange = new Exchange(addresses.clientOf(request), request.getScheme(), start, requestIds.get());
        if (hsts != null && request.isSecure()) {
            response.setHeader("Strict-Transport-Security", hsts);
        }
        if (draining.getAsBoolean()) {
            response.getResponse().getProcessingState().setKeepAlive(false);
        }
        response.suspend();
        HttpRequestPacket packet = request.getRequest();
        GrizzlyRequestBody body = bodyOf(request, packet, response);
        boolean grpc = GrpcRefusals.isGrpc(packet.getContentType());
        GatewayRuntime runtime = runtimes.enter();
        if (runtime == null) {
            answer(new ResponseWriter(response, (status, bytes) -> { }, linger),
                    ErrorResponses.of(503, "gateway not ready", exchange.requestId()), body, grpc);
            return;
        }
        String method = request.getRequest().getMethod().getMethodString();
        // one char per byte, as received: the access log shows it, the normalizer judges it
        String rawPath = HeaderText.of(request.getRequest().getRequestURIRef().getRequestURIBC());
        org.glassfish.grizzly.Connection<?> connection = request.getContext().getConnection();
        int[] stream = new int[1];
        ResponseWriter.Finished done = (status, bytes) -> {
            try {
                h2.forget(connection, stream[0]);
                finished.finished(exchange, method, rawPath, status, bytes, runtime.accessLogEnabled());
            } finally {
                runtime.exit();
            }
        };
        ResponseWriter writer = new ResponseWriter(response, done, linger);
        stream[0] = h2.onClientReset(connection, packet, () -> {
            writer.clientReset();
            exchange.abandon(); // an upstream call still waiting for its answer's head is cancelled too
        });
        if (stream[0] != 0) {
            exchange.markAbandonable();
        }
        String path = paths.normalize(rawPath);
        GatewayResponse early = checkRequest(request, rawPath, path, exchange);
        if (early != null) {
            answer(writer, early, body, grpc);
            return;
        }
        exchange.webSocket(WebSocketUpgrades.requested(packet));
        String query = request.getQueryString();
        GatewayRequest gatewayRequest = new GatewayRequest(exchange, method,
                path, query == null || query.isEmpty() ? null : query,
                copyHeaders(packet.getHeaders()), body == null ? Body.empty() : body);
        runtime.handle(gatewayRequest).whenComplete((r, failure) -> {
            if (failure == null && exchange.isWebSocket() && webSockets.tunnel(request, response, r)) {
                done.finished(101, 0); // logged at the switch; the tunnel needs nothing of this config version
                return;
            }
            answer(writer, failure == null ? r : ErrorResponses.fromFailure(failure, exchange), body, grpc);
        });
    }

    /**
     * The 100 Continue is the gateway's to send, once the request is admitted (see {@link GrizzlyRequestBody}):
     * Grizzly's default sends it before the handler runs, so that a client would upload its body to a request about
     * to be refused (for a chunked body, {@link ContinueDeferringCodec} keeps Grizzly's codec from sending it even
     * earlier). Other expectations keep Grizzly's 417.
     */
    @Override
    protected boolean sendAcknowledgment(Request request, Response response) throws java.io.IOException {
        if ("100-continue".equalsIgnoreCase(request.getHeader(Header.Expect))) {
            return true;
        }
        return super.sendAcknowledgment(request, response);
    }

    /**
     * Writes an answer; one given while the request body is still unread by the pipeline closes the connection
     * when the client still waits for its 100 Continue or more than {@link #MAX_DRAIN_BYTES} would have to be
     * drained (see {@link GrizzlyRequestBody#leavesTooMuchUnread}). A gRPC request gets the gateway's own refusals in
     * gRPC's form ({@link GrpcRefusals}).
     */
    private static void answer(ResponseWriter writer, GatewayResponse response, GrizzlyRequestBody body, boolean grpc) {
        if (body != null && body.leavesTooMuchUnread(MAX_DRAIN_BYTES)) {
            writer.closeWhenDone();
        }
        writer.write(grpc ? GrpcRefusals.adapt(response) : response);
    }

    /**
     * Refuses what the pipeline must not see: a path the {@link PathNormalizer} refuses, and a
     * declared body over the limit (the connection then closes: its body is not read). Ambiguous
     * framing never gets here: {@link ListenerGuard} refuses it on the raw bytes.
     */
    private GatewayResponse checkRequest(Request request, String rawPath, String path, Exchange exchange) {
        if (path == null) {
            return ErrorResponses.of(400, paths.refusal(rawPath), exchange.requestId());
        }
        if (request.getContentLengthLong() > maxBodyBytes) {
            return closing(ErrorResponses.of(413, "request body larger than " + maxBodyBytes + " bytes", exchange.requestId()));
        }
        return null;
    }

    private static GatewayResponse closing(GatewayResponse response) {
        response.headers().set("Connection", "close");
        return response;
    }

    /** The request's body, null when it has none; it owes a 100 Continue when the client asked and has not started it. */
    private GrizzlyRequestBody bodyOf(Request request, HttpRequestPacket packet, Response response) {
        long length = request.getContentLengthLong();
        // an HTTP/2 request has a body of unknown length unless its HEADERS ended the stream (gRPC sends no length)
        boolean h2Body = length < 0 && packet.isExpectContent() && H2Answers.streamOf(packet) != null;
        if (length == 0 || (length < 0 && !packet.isChunked() && !h2Body)) {
            return null;
        }
        NIOInputStream input = request.getNIOInputStream();
        // Chunked or not, the request is here with its head alone when the client waits for a 100: Grizzly's codec
        // leaves that 100 to the gateway (ContinueDeferringCodec). An HTTP/1.0 expectation is ignored (RFC 9110).
        boolean owesContinue = packet.getProtocol() == Protocol.HTTP_1_1
                && "100-continue".equalsIgnoreCase(packet.getHeader(Header.Expect))
                && input.readyData() == 0 && !input.isFinished();
        GrizzlyRequestBody body = new GrizzlyRequestBody(input, length, maxBodyBytes,
                owesContinue ? () -> sendContinue(response) : null);
        // trailers come after an HTTP/2 body or a chunked HTTP/1.1 one; an h2c upstream is sent them, HTTP/1.1 ones not
        return H2Answers.streamOf(packet) == null && !packet.isChunked() ? body
                : body.withTrailers(() -> trailersOf(packet.getHeaders()));
    }

    /** The trailer fields Grizzly's codec (HTTP/2, or HTTP/1.1's last chunk) added to a request's headers at its end. */
    private static Headers trailersOf(MimeHeaders mime) {
        Headers trailers = null;
        for (String name : mime.trailerNames()) {
            if (trailers == null) {
                trailers = new Headers(2);
            }
            for (String value : mime.trailerValues(name)) {
                trailers.add(name, value);
            }
        }
        return trailers;
    }

    /** The interim 100, through Grizzly's codec; it need not have marked the request as awaiting it. */
    private static void sendContinue(Response response) throws java.io.IOException {
        response.setStatus(HttpStatus.CONINTUE_100);
        response.getResponse().setAcknowledgement(true);
        response.getOutputBuffer().acknowledge();
    }

    /**
     * The client's headers, less the fields its {@code Connection} header names (RFC 9110 7.6.1): those are
     * hop-by-hop options of the client's own connection, removed here on arrival so that they can never
     * remove a field the pipeline sets later ({@code X-Consumer-Id}, {@code traceparent}, ...).
     */
    static Headers copyHeaders(MimeHeaders mime) {
        int n = mime.size();
        Headers headers = new Headers(n + 6);
        String connection = null;
        for (int i = 0; i < n; i++) {
            String name = HeaderText.of(mime.getName(i));
            String value = HeaderText.of(mime.getValue(i));
            if (name.length() == 10 && name.equalsIgnoreCase("Connection")) {
                connection = connection == null ? value : connection + "," + value;
            }
            headers.add(name, value);
        }
        if (connection != null) {
            HopByHop.removeListed(headers, connection);
        }
        return headers;
    }
}
