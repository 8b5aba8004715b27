package dev.gateway.node.upstream.balance;

import static dev.gateway.node.upstream.balance.Fixtures.ip;
import static dev.gateway.node.upstream.balance.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gateway.config.Balancing;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.upstream.Balancer;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Smoke test: every balancer, picked from several threads at once, answers every pick with one of its targets. */
class ConcurrentPicksTest {
    private static final int THREADS = 4;
    private static final int PICKS_PER_THREAD = 20_000;

    @ParameterizedTest
    @ValueSource(strings = {"round-robin", "least-connections", "ip-hash", "consistent-hash:header:X-User", "random"})
    void picksFromManyThreadsAddUp(String config) throws Exception {
        List<UpstreamTarget> targets = Fixtures.targets(4);
        InFlight inFlight = new InFlight(targets);
        Balancer balancer = Balancers.of(Balancing.parse(config), targets, inFlight);
        AtomicLongArray counts = new AtomicLongArray(targets.size());
        List<GatewayRequest> requests = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            requests.add(request(ip(i), "X-User", "user-" + i));
        }

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < PICKS_PER_THREAD; i++) {
                        UpstreamTarget t = balancer.pick(requests.get(i & 255));
                        inFlight.started(t);
                        counts.incrementAndGet(inFlight.indexOf(t));
                        inFlight.finished(t);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        long total = 0;
        for (int i = 0; i < targets.size(); i++) {
            assertThat(counts.get(i)).as("picks of %s", targets.get(i)).isPositive();
            assertThat(inFlight.get(targets.get(i))).as("in flight at %s", targets.get(i)).isZero();
            total += counts.get(i);
        }
        assertThat(total).isEqualTo((long) THREADS * PICKS_PER_THREAD);
    }
}
