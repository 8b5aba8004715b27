package dev.gateway.node.observability.metrics;

import dev.gateway.node.websocket.WebSocketTunnels;

/**
 * The WebSocket families: {@code gateway_websocket_connections} (open tunnels, a gauge) and
 * {@code gateway_websocket_closes_total{code}} (tunnels ended, by the close code of the first close frame that passed
 * or that the gateway sent: 1001 idle timeout or drain, 1009 {@code max-message}; 1006 when none did).
 */
public final class WebSocketMetrics {
    private WebSocketMetrics() {
    }

    public static void register(GatewayMetrics metrics, WebSocketTunnels tunnels) {
        metrics.registerGauge("gateway_websocket_connections",
                "Open WebSocket tunnels (a client connection joined to an upstream connection after a 101).",
                tunnels::openTunnels);
        tunnels.onNewCloseCode((code, count) -> metrics.registerCounter("gateway_websocket_closes",
                "WebSocket tunnels ended, by close code: the first close frame that passed or that the gateway sent"
                        + " (1001 idle timeout or drain, 1009 max-message), 1006 when none did.", count, "code", code));
    }
}
