package dev.gateway.chaos.support;

import java.time.Duration;
import java.util.List;

/**
 * A scenario's cluster in either topology, so that one scenario runs in both: {@link Mode#EMBEDDED} gateway nodes
 * that are the members themselves ({@link Gateways}), or {@link Mode#CLIENT} client-mode gateway nodes of dedicated
 * members ({@link ClientTopology}). The shared state lives on the {@link #holders()}: the nodes, or the members; a
 * scenario kills holders and sends its requests through {@link #serving}.
 */
public interface Topology extends AutoCloseable {
    /** {@code cluster.mode}. */
    enum Mode { EMBEDDED, CLIENT }

    /**
     * {@code holders} processes hold the state ({@code min-size: 1}, one backup): in embedded mode as many gateway
     * nodes, in client mode as many members with {@code clientNodes} client-mode nodes in front; {@code sharedYaml} is
     * the nodes' shared config. The log folder is the test's, with {@code -client} added in client mode.
     */
    static Topology start(Mode mode, String test, int holders, int clientNodes, String sharedYaml) {
        return mode == Mode.EMBEDDED ? Gateways.start(test, holders, 1, sharedYaml)
                : ClientTopology.start(test + "-client", holders, clientNodes, sharedYaml);
    }

    Mode mode();

    /** The processes holding the shared state, as launched: the gateway nodes, or the dedicated members. */
    List<GatewayProcess> holders();

    /** The gateway nodes that take requests while {@code liveHolders} hold the state (in client mode: every live node). */
    List<GatewayProcess> serving(List<GatewayProcess> liveHolders);

    /** The holder among {@code candidates} owning the shared-state key {@code key}, asked of the cluster. */
    GatewayProcess owner(List<GatewayProcess> candidates, String key);

    /**
     * Until the serving nodes are ready and see exactly {@code liveHolders} as members, and every holder's partitions
     * have their backups in sync (losing one more holder now loses no bucket).
     */
    void awaitWhole(Http http, List<GatewayProcess> liveHolders, Duration within);

    /** SIGKILLs whatever still runs. */
    @Override
    void close();
}
