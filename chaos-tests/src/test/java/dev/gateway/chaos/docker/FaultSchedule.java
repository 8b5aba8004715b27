package dev.gateway.chaos.docker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The randomized run's faults, from a seed alone (pure: the same seed, length and node count give the same list, on
 * any JVM, since {@link Random}'s sequence is specified). A fault is one of {@link Kind} on one node, applied at
 * {@code atMillis} from the start of the run and recovered {@code forMillis} later (restart, SIGCONT, heal).
 *
 * <p>Invariants (checked by {@code FaultScheduleTest} over many seeds):
 * <ul>
 *   <li>one fault at a time: at most one node down, frozen or cut off, so the other two keep a quorum
 *       ({@code min-size} 2 of 3) and the shared bucket stays exact on their side;</li>
 *   <li>each fault lasts {@value #MIN_FAULT_MS} to {@value #MAX_FAULT_MS} ms (some shorter than Hazelcast's 5 s
 *       removal of a silent member, most longer);</li>
 *   <li>at least {@value #MIN_GAP_MS} ms between a recovery and the next fault, so that Hazelcast can notice the
 *       recovery, merge or migrate (the driver also waits until the cluster is whole again before the next fault:
 *       a restarted JVM may take longer than the gap);</li>
 *   <li>every fault is recovered at least {@value #TAIL_MS} ms before the end: the run ends on a whole cluster.</li>
 * </ul>
 */
final class FaultSchedule {
    static final long MIN_FAULT_MS = 3_000;
    static final long MAX_FAULT_MS = 15_000;
    static final long MIN_GAP_MS = 10_000;
    static final long MAX_GAP_MS = 20_000;
    static final long TAIL_MS = 20_000;

    /** What is done to the node, and how it is undone. */
    enum Kind {
        /** SIGKILL, then {@code docker start}: no goodbye, a new JVM. */
        KILL,
        /** {@code docker stop} (SIGTERM: the node drains and leaves), then {@code docker start}. */
        STOP,
        /** SIGSTOP, then SIGCONT: the JVM freezes with its sockets open. */
        PAUSE,
        /** iptables drops everything between the node and its peers, then heal (HAProxy and clients still reach it). */
        PARTITION;

        /** Whether the node keeps serving (and may keep its own copy of shared state) while it is cut off. */
        boolean cutsOff() {
            return this == PAUSE || this == PARTITION;
        }
    }

    /** One fault: on {@code gw-node} (1-based), from {@code atMillis} after the start, for {@code forMillis}. */
    record Fault(Kind kind, int node, long atMillis, long forMillis) {
        long recoverAtMillis() {
            return atMillis + forMillis;
        }

        @Override
        public String toString() {
            return String.format("%s gw-%d at %.1f s for %.1f s", kind, node, atMillis / 1000.0, forMillis / 1000.0);
        }
    }

    private FaultSchedule() {
    }

    /** The faults of a run of {@code length} on {@code nodes} nodes, in order of {@code atMillis}. */
    static List<Fault> of(long seed, Duration length, int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes: " + nodes + " (expected: > 0)");
        }
        Random random = new Random(seed);
        Kind[] kinds = Kind.values();
        List<Fault> out = new ArrayList<>();
        long end = length.toMillis() - TAIL_MS;
        long at = between(random, MIN_GAP_MS / 2, MIN_GAP_MS);
        while (true) {
            long duration = between(random, MIN_FAULT_MS, MAX_FAULT_MS);
            if (at + duration > end) {
                return List.copyOf(out);
            }
            out.add(new Fault(kinds[random.nextInt(kinds.length)], 1 + random.nextInt(nodes), at, duration));
            at += duration + between(random, MIN_GAP_MS, MAX_GAP_MS);
        }
    }

    private static long between(Random random, long min, long max) {
        return min + (long) (random.nextDouble() * (max - min)) / 100 * 100;
    }
}
