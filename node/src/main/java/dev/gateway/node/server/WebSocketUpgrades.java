package dev.gateway.node.server;

import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.websocket.UpgradedBody;
import dev.gateway.node.websocket.WebSocketTunnel;
import dev.gateway.node.websocket.WebSocketTunnels;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.MimeHeaders;

/**
 * WebSocket on the proxy listener: recognizes an upgrade request (RFC 6455 4.1: an HTTP/1.1 GET with
 * {@code Connection: Upgrade} and {@code Upgrade: websocket}), and once the pipeline answers it with the upstream's
 * 101, writes the 101 and joins the two connections into a {@link WebSocketTunnel}. Any other answer to such a
 * request is written as usual (Grizzly then closes the connection: what follows an upgrade request's head is not HTTP).
 */
final class WebSocketUpgrades {
    private final WebSocketTunnels tunnels;
    private final ScheduledExecutorService timer;
    private final Consumer<Connection<?>> rawMode;

    /** @param rawMode tells the listener's guard that a connection carries a tunnel now: no more request heads on it */
    WebSocketUpgrades(WebSocketTunnels tunnels, ScheduledExecutorService timer, Consumer<Connection<?>> rawMode) {
        this.tunnels = tunnels;
        this.timer = timer;
        this.rawMode = rawMode;
    }

    /** Whether {@code packet} asks for a WebSocket upgrade. */
    static boolean requested(HttpRequestPacket packet) {
        if (packet.getMethod() != Method.GET || packet.getProtocol() != Protocol.HTTP_1_1 || !packet.isUpgrade()) {
            return false;
        }
        MimeHeaders headers = packet.getHeaders();
        boolean connectionUpgrade = false;
        boolean websocket = false;
        for (int i = 0; i < headers.size(); i++) {
            String name = HeaderText.of(headers.getName(i));
            if (name.equalsIgnoreCase("Connection")) {
                connectionUpgrade |= HeaderLists.has(HeaderText.of(headers.getValue(i)), "upgrade", '/');
            } else if (name.equalsIgnoreCase("Upgrade")) {
                websocket |= HeaderLists.has(HeaderText.of(headers.getValue(i)), "websocket", '/'); // websocket/13 names a version
            }
        }
        return connectionUpgrade && websocket;
    }

    /**
     * Starts the tunnel when {@code answer} is the upstream's 101 to the upgrade.
     *
     * @return false when it is any other answer, to be written as usual
     */
    boolean tunnel(Request request, Response response, GatewayResponse answer) {
        if (answer.status() != 101 || !(answer.body() instanceof UpgradedBody upgraded)) {
            return false;
        }
        Connection<?> connection = request.getContext().getConnection();
        ClientTunnelEnd client = new ClientTunnelEnd(request, response, timer);
        rawMode.accept(connection);
        try {
            ClientTunnelEnd.switchProtocols(response, answer.headers());
        } catch (IOException | RuntimeException e) {
            upgraded.discard();
            client.close();
            return true;
        }
        tunnels.start(new WebSocketTunnel(client, upgraded.upstream(), upgraded.idleNanos(), upgraded.maxMessage(),
                timer, System::nanoTime, tunnels));
        return true;
    }
}
