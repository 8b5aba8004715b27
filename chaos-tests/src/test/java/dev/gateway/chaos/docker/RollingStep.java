package dev.gateway.chaos.docker;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * One step of a rolling restart or upgrade: {@code docker stop} (SIGTERM: the node turns not ready, drains what is
 * in flight, leaves the cluster), something done to the stopped container (nothing, or its jar replaced),
 * {@code docker start}, and a wait until it is ready, every node sees a cluster of all of them, and HAProxy has it
 * UP. {@code poll} runs at every look (a reading of the quota from a node that is not restarting).
 */
record RollingStep(String node, long stopAt, long exitedAt, long backAt) {
    static final Duration BACK_WITHIN = Duration.ofSeconds(120);

    static RollingStep of(DockerGateway gateway, ChaosLoad load, DockerNode node, Consumer<DockerNode> whileStopped,
            Runnable poll) {
        long stopAt = load.mark("docker stop " + node.name());
        gateway.dockerStop(node, 30);
        long exitedAt = load.mark(node.name() + " exited");
        whileStopped.accept(node);
        gateway.dockerStart(node);
        int size = gateway.nodes().size();
        long[] backAt = {-1};
        Phases.until(node.name() + " back: ready, size " + size + " everywhere, UP in HAProxy", BACK_WITHIN,
                Duration.ofMillis(500), () -> {
                    poll.run();
                    if (node.isReady() && gateway.nodes().stream().allMatch(n -> n.clusterSize() == size)
                            && gateway.haproxyStatus().get(node.name()).startsWith("UP")) {
                        backAt[0] = load.mark(node.name() + " ready and UP");
                        return true;
                    }
                    return false;
                });
        return new RollingStep(node.name(), stopAt, exitedAt, backAt[0]);
    }

    @Override
    public String toString() {
        return String.format("%s: stopped in %d ms, back %d ms after its start", node, Phases.millis(exitedAt - stopAt),
                Phases.millis(backAt - exitedAt));
    }
}
