package dev.gateway.node.websocket;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The node's open WebSocket tunnels: how many are open ({@code gateway_websocket_connections}), how many ended with
 * each close code ({@code gateway_websocket_closes_total{code}}), and the drain: {@link #shutDown} sends every open
 * tunnel close 1001 and makes any tunnel opened afterwards close at once the same way. Thread-safe.
 */
public final class WebSocketTunnels implements WebSocketTunnel.Listener {
    /** Close codes beyond this many distinct ones are counted as {@code other}. */
    static final int MAX_CODES = 32;
    private final Set<WebSocketTunnel> open = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, LongSupplier> newCode = (code, count) -> { };
    private volatile boolean shutDown;

    /** Starts {@code tunnel} and keeps it until it ends; after {@link #shutDown} it is closed with 1001 at once. */
    public void start(WebSocketTunnel tunnel) {
        open.add(tunnel);
        tunnel.start();
        if (shutDown) {
            tunnel.shutDown();
        }
    }

    @Override
    public void ended(WebSocketTunnel tunnel, int closeCode) {
        open.remove(tunnel);
        String code = closeCode >= 1000 && closeCode <= 4999 ? Integer.toString(closeCode) : "other";
        LongAdder counter = closes.get(code);
        if (counter == null) {
            String key = closes.size() < MAX_CODES ? code : "other";
            boolean[] made = {false};
            counter = closes.computeIfAbsent(key, k -> {
                made[0] = true;
                return new LongAdder();
            });
            if (made[0]) {
                newCode.accept(key, counter::sum);
            }
        }
        counter.increment();
    }

    /** Open tunnels now. */
    public int openTunnels() {
        return open.size();
    }

    /** Tunnels ended so far, by close code; for tests and the admin view. */
    public Map<String, Long> closes() {
        Map<String, Long> copy = new TreeMap<>();
        closes.forEach((code, n) -> copy.put(code, n.sum()));
        return copy;
    }

    /**
     * Told of each close code the first time a tunnel ends with it (and now of those seen already), with the live
     * count: for the metrics registry.
     */
    public void onNewCloseCode(BiConsumer<String, LongSupplier> listener) {
        newCode = listener;
        closes.forEach((code, n) -> listener.accept(code, n::sum));
    }

    /** The node drains: every open tunnel (and every later one) gets close 1001 on both sides and closes. */
    public void shutDown() {
        shutDown = true;
        for (WebSocketTunnel tunnel : open) {
            tunnel.shutDown();
        }
    }
}
