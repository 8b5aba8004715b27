package dev.gateway.chaos.docker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Client load through HAProxy for the whole of a scenario: {@code threads} client threads, each with its own
 * HTTP/1.1 client and so its own keep-alive connection (pinned by HAProxy, TCP mode, to one node until it
 * closes), taking tickets that a timer issues at {@code rate} per second (a ticket not taken because every
 * thread is busy is dropped and counted, so a stuck node never builds a backlog). The request of ticket
 * {@code n} is {@code mix.apply(n)}: a path and the statuses the scenario expects there besides 2xx (429 of a
 * limit, 503 of an open breaker). Every answer is kept with its start and end; {@link #stop()} returns them.
 * Events ({@link #mark}) are the fault's moments, for the report.
 */
final class ChaosLoad {
    /** Long enough for HAProxy's redispatch after a connect timeout (2 s), short enough to count a hang. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(6);

    /** One request kind: its path and the non-2xx statuses that are the scenario's expected refusals. */
    record Target(String kind, String path, Set<Integer> expected) {
        static Target plain(String path) {
            return new Target("main", path, Set.of());
        }
    }

    enum Outcome { OK, EXPECTED, ERROR, NO_ANSWER }

    /**
     * One answer; times in ns from the load's start; {@code status} -1 for no answer; {@code configTag} the
     * answer's {@code X-Config} header (scenarios that publish a config set it on their routes), else null.
     */
    record Sample(long startNanos, long endNanos, Target target, int status, String body, String configTag,
                  String error) {
        Outcome outcome() {
            if (status == -1) {
                return Outcome.NO_ANSWER;
            }
            if (status >= 200 && status < 300) {
                return Outcome.OK;
            }
            return target.expected().contains(status) ? Outcome.EXPECTED : Outcome.ERROR;
        }

        boolean failed() {
            Outcome o = outcome();
            return o == Outcome.ERROR || o == Outcome.NO_ANSWER;
        }

        long latencyMillis() {
            return (endNanos - startNanos) / 1_000_000;
        }

        double startSeconds() {
            return startNanos / 1e9;
        }
    }

    /** A fault's moment, ns from the load's start. */
    record Event(long atNanos, String label) {
        double seconds() {
            return atNanos / 1e9;
        }
    }

    private final int port;
    private final int threads;
    private final int rate;
    private final LongFunction<Target> mix;
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<Long> tickets;
    private final AtomicLong dropped = new AtomicLong();
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-load-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    private long t0;

    private ChaosLoad(int port, int threads, int rate, LongFunction<Target> mix) {
        this.port = port;
        this.threads = threads;
        this.rate = rate;
        this.mix = mix;
        this.tickets = new ArrayBlockingQueue<>(threads);
    }

    static ChaosLoad start(int port, int threads, int ratePerSecond, LongFunction<Target> mix) {
        ChaosLoad load = new ChaosLoad(port, threads, ratePerSecond, mix);
        load.begin();
        return load;
    }

    private void begin() {
        t0 = System.nanoTime();
        AtomicLong next = new AtomicLong();
        timer.scheduleAtFixedRate(() -> {
            if (!tickets.offer(next.getAndIncrement())) {
                dropped.incrementAndGet();
            }
        }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::work, "chaos-load-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    private void work() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build();
        while (running) {
            Long ticket;
            try {
                ticket = tickets.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (ticket == null) {
                continue;
            }
            Target target = mix.apply(ticket);
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target.path()))
                    .timeout(REQUEST_TIMEOUT).GET().build();
            long start = System.nanoTime() - t0;
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                String body = response.statusCode() >= 300 ? response.body() : "";
                samples.add(new Sample(start, System.nanoTime() - t0, target, response.statusCode(), body,
                        response.headers().firstValue("X-Config").orElse(null), null));
            } catch (IOException e) {
                samples.add(new Sample(start, System.nanoTime() - t0, target, -1, "", null, e.toString()));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Now, in ns since the load started. */
    long now() {
        return System.nanoTime() - t0;
    }

    /** Records a fault's moment; returns it (ns since the load started). */
    long mark(String label) {
        long at = now();
        events.add(new Event(at, label));
        System.out.printf("[chaos-load] t=%.2f s %s%n", at / 1e9, label);
        return at;
    }

    int threads() {
        return threads;
    }

    int rate() {
        return rate;
    }

    long dropped() {
        return dropped.get();
    }

    List<Event> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /** Answers so far (a copy). */
    List<Sample> samples() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    /** Stops issuing tickets, lets the requests in flight end (each is bounded by its timeout), returns all. */
    List<Sample> stop() {
        running = false;
        timer.shutdownNow();
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        List<Sample> all = samples();
        all.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        return all;
    }
}
