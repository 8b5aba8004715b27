package dev.gateway.node.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The DNS cache, with a fake resolver, a hand-run executor and a hand-moved clock. */
class ResolvedHostsTest {
    private static final long REFRESH = 30;

    /** Runs submitted tasks only when the test says so. */
    private static final class HandRun extends AbstractExecutorService {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        boolean shutdown;

        void runAll() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }

        @Override
        public void execute(Runnable command) {
            if (shutdown) {
                throw new java.util.concurrent.RejectedExecutionException();
            }
            tasks.add(command);
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.copyOf(tasks);
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    private final FakeDns dns = new FakeDns();
    private final HandRun executor = new HandRun();
    private final AtomicLong clock = new AtomicLong();
    private final ResolvedHosts hosts = new ResolvedHosts(dns, executor, clock::get);

    @Test
    void aFirstLookupWaitsForOneResolutionSharedByConcurrentLookups() throws Exception {
        dns.set("svc", "10.0.0.1");
        CompletableFuture<InetAddress> one = hosts.lookup("svc", REFRESH);
        CompletableFuture<InetAddress> two = hosts.lookup("svc", REFRESH);
        assertThat(one).isNotDone();
        executor.runAll();
        assertThat(one.get().getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(two.get().getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(dns.callingThreads()).hasSize(1);
    }

    @Test
    void aStaleAnswerIsUsedWhileOneRefreshRuns() throws Exception {
        dns.set("svc", "10.0.0.1");
        hosts.lookup("svc", REFRESH);
        executor.runAll();
        dns.set("svc", "10.0.0.2");
        clock.addAndGet(REFRESH);

        assertThat(hosts.lookup("svc", REFRESH).get().getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(hosts.lookup("svc", REFRESH).get().getHostAddress()).isEqualTo("10.0.0.1");
        assertThat(executor.tasks).as("one refresh, not one per lookup").hasSize(1);
        executor.runAll();
        assertThat(hosts.lookup("svc", REFRESH).get().getHostAddress()).isEqualTo("10.0.0.2");
    }

    @Test
    void aNeverResolvedNameFailsAndIsTriedAgainByTheNextLookup() throws Exception {
        CompletableFuture<InetAddress> failed = hosts.lookup("nowhere", REFRESH);
        executor.runAll();
        assertThat(failed).isCompletedExceptionally();
        assertThatThrownBy(failed::get).hasCauseInstanceOf(UnknownHostException.class);

        dns.set("nowhere", "10.0.0.9");
        CompletableFuture<InetAddress> retried = hosts.lookup("nowhere", REFRESH);
        executor.runAll();
        assertThat(retried.get().getHostAddress()).isEqualTo("10.0.0.9");
    }

    @Test
    void ipLiteralsAreNeverLookedUpAndSeveralAddressesAreTakenInTurn() throws Exception {
        assertThat(hosts.lookup("127.0.0.1", REFRESH).get().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(hosts.lookup("::1", REFRESH).get()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(dns.callingThreads()).isEmpty();

        dns.set("multi", "10.0.0.1", "10.0.0.2");
        hosts.lookup("multi", REFRESH);
        executor.runAll();
        assertThat(List.of(hosts.lookup("multi", REFRESH).get().getHostAddress(),
                hosts.lookup("multi", REFRESH).get().getHostAddress())).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    }
}
