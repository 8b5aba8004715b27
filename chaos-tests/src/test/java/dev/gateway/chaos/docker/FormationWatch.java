package dev.gateway.chaos.docker;

import java.util.List;

/**
 * Polls whether the cluster stays formed during a fault (every node answers size N and ready), for a scenario's
 * {@link Phases#hold} probe: counts the polls, the node polls that were not formed, and those
 * {@code GET /admin/cluster} did not answer (an admin call slowed by the fault, not a broken cluster); the first
 * node seen not formed is marked on the load's timeline.
 */
final class FormationWatch implements Runnable {
    private final List<DockerNode> nodes;
    private final ChaosLoad load;
    private int polls;
    private int broken;
    private int unanswered;
    private String firstBroken;

    FormationWatch(List<DockerNode> nodes, ChaosLoad load) {
        this.nodes = List.copyOf(nodes);
        this.load = load;
    }

    @Override
    public void run() {
        polls++;
        for (DockerNode n : nodes) {
            int size = n.clusterSize();
            if (size == -1) {
                unanswered++;
            } else if (size != nodes.size() || !n.isReady()) {
                broken++;
                if (firstBroken == null) {
                    firstBroken = n.name() + " size " + size + " at t=" + Phases.seconds(load.now()) + " s";
                    load.mark(firstBroken);
                }
            }
        }
    }

    /** What was seen, for the report. */
    String measured() {
        return (broken == 0 ? polls + " polls, all formed" : broken + " node polls not formed of " + polls
                + " (first: " + firstBroken + ")") + (unanswered > 0 ? "; " + unanswered
                + " GET /admin/cluster not answered within 3 s" : "");
    }

    /** Formed at every answered poll, and at least one poll answered. */
    boolean stayedFormed() {
        return polls > unanswered && broken == 0;
    }
}
