package dev.gateway.cluster.member;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.server.ServerConnection;
import com.hazelcast.internal.server.ServerConnectionManager;
import com.hazelcast.internal.server.tcp.TcpServerConnection;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes the member connections this member dialled that the peer has not answered (no handshake) within
 * {@link #LIMIT}, checking every {@link #PERIOD}.
 *
 * <p>Why: Hazelcast dials a peer whenever it has something to send and no connection, not only to join or merge:
 * a response or backup to a member that has just left, a heartbeat after a suspicion closed the old connection.
 * A frozen peer (SIGSTOP, a long pause, a suspended VM) has a kernel that accepts the connection but a JVM that
 * never sends the protocol bytes back, and on Hazelcast 5.7 such a connection, with its handshake queued, keeps
 * its output I/O thread in a busy loop that never returns to the selector until the connection closes: every
 * other connection of that thread that waits for socket space stalls, heartbeats included, and the member is
 * removed by the others 5 s later (the Docker SIGSTOP scenario: once on the master through the merge search,
 * once on the other live member through a send to the departed one). Closing the dial bounds the stall to about
 * {@code LIMIT + PERIOD}; Hazelcast dials again when it needs to, and a live peer answers in milliseconds.
 *
 * <p>This reads Hazelcast internals ({@code HazelcastInstanceProxy}, {@code TcpServerConnection}), checked against
 * 5.7.0: an upgrade must re-run {@code FrozenPeerTest}.
 */
final class UnansweredDials implements Runnable {
    static final Duration LIMIT = Duration.ofMillis(500);
    static final Duration PERIOD = Duration.ofMillis(100);

    private final ServerConnectionManager connections;
    private final LongSupplier clockMillis;

    UnansweredDials(ServerConnectionManager connections, LongSupplier clockMillis) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    }

    /** Starts watching the member connections of {@code hazelcast} on a daemon thread that stops with it. */
    static void watch(HazelcastInstance hazelcast, String nodeName) {
        ServerConnectionManager connections = ((HazelcastInstanceProxy) hazelcast).getOriginal().node.getServer()
                .getConnectionManager(EndpointQualifier.MEMBER);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "gateway-unanswered-dials-" + nodeName);
            thread.setDaemon(true);
            return thread;
        });
        // TcpServerConnection stamps its start with System.currentTimeMillis()
        timer.scheduleWithFixedDelay(new UnansweredDials(connections, System::currentTimeMillis),
                PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleState.SHUTTING_DOWN || event.getState() == LifecycleState.SHUTDOWN) {
                timer.shutdownNow();
            }
        });
        if (!hazelcast.getLifecycleService().isRunning()) {
            timer.shutdownNow();
        }
    }

    @Override
    public void run() {
        long now = clockMillis.getAsLong();
        for (ServerConnection connection : connections.getConnections()) {
            if (connection instanceof TcpServerConnection dialled && !dialled.isAcceptorSide() && dialled.isAlive()
                    && dialled.getRemoteUuid() == null && now - dialled.getStartTime() >= LIMIT.toMillis()) {
                dialled.close("the peer did not answer within " + LIMIT.toMillis()
                        + " ms (a frozen JVM?); closed so that it cannot stall this member's output I/O thread", null);
            }
        }
    }
}
