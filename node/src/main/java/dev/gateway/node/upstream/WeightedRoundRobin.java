package dev.gateway.node.upstream;

import dev.gateway.node.http.GatewayRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round-robin honouring weights, interleaved rather than in bursts: weights 2 and 1 give
 * a, b, a, a, b, a... (nginx's smooth weighted round-robin, computed once per config version,
 * so a pick is one atomic increment and an array read).
 */
public final class WeightedRoundRobin implements Balancer {
    private static final int MAX_SCHEDULE = 10_000;

    private final UpstreamTarget[] schedule;
    private final AtomicLong next = new AtomicLong();

    public WeightedRoundRobin(List<UpstreamTarget> targets) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("targets: [] (expected: at least one)");
        }
        this.schedule = smoothSchedule(targets);
    }

    @Override
    public UpstreamTarget pick(GatewayRequest request) {
        return schedule[(int) Math.floorMod(next.getAndIncrement(), (long) schedule.length)];
    }

    static UpstreamTarget[] smoothSchedule(List<UpstreamTarget> targets) {
        int n = targets.size();
        int[] weights = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            weights[i] = targets.get(i).weight();
            total += weights[i];
        }
        if (total > MAX_SCHEDULE) {
            // Scale down, keeping every target at least once; the ratio error is below 1/MAX_SCHEDULE per target.
            int scaled = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = Math.max(1, (int) ((long) weights[i] * MAX_SCHEDULE / total));
                scaled += weights[i];
            }
            total = scaled;
        }
        int[] current = new int[n];
        List<UpstreamTarget> out = new ArrayList<>(total);
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            out.add(targets.get(best));
        }
        return out.toArray(UpstreamTarget[]::new);
    }
}
