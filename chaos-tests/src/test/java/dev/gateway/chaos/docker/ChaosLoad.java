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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * Open-loop client load through HAProxy for the whole of a scenario: request {@code n} is due at {@code n / rate}
 * seconds and is sent then by client {@code n % clients}, whatever the requests before it are doing
 * (asynchronously; each client keeps HTTP/1.1 keep-alive connections, as many as it has requests in flight, and
 * HAProxy in TCP mode pins each connection to one node). Its latency
 * counts from when it was due, so a stall shows in full (no coordinated omission), nothing is dropped, and a
 * request the generator itself sent late is counted ({@link #late()}). The request of {@code n} is
 * {@code mix.apply(n)}: a path and the statuses the scenario expects there besides 2xx (429 of a limit, 503 of an
 * open breaker). Every answer is kept with its due time and end; {@link #stop()} returns them. Events
 * ({@link #mark}) are the fault's moments, for the report.
 */
final class ChaosLoad {
    /** Long enough for HAProxy's redispatch after a connect timeout (2 s), short enough to count a hang. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(6);
    /** A request sent this long after it was due counts as late. */
    static final long LATE_NANOS = 50_000_000L;

    /** One request kind: its path and the non-2xx statuses that are the scenario's expected refusals. */
    record Target(String kind, String path, Set<Integer> expected) {
        static Target plain(String path) {
            return new Target("main", path, Set.of());
        }
    }

    enum Outcome { OK, EXPECTED, ERROR, NO_ANSWER }

    /**
     * One answer; times in ns from the load's start ({@code startNanos}: when it was due); {@code status} -1 for no answer; {@code configTag} the
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
    private final int rate;
    private final LongFunction<Target> mix;
    private final List<HttpClient> clients = new ArrayList<>();
    private final ExecutorService callbacks;
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong maxInFlight = new AtomicLong();
    private final Thread sender;
    private volatile boolean running = true;
    private long t0;

    private ChaosLoad(int port, int clientCount, int rate, LongFunction<Target> mix) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + rate);
        }
        this.port = port;
        this.rate = rate;
        this.mix = mix;
        this.callbacks = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "chaos-load-callback");
            t.setDaemon(true);
            return t;
        });
        // independent clients, each with its own keep-alive connections (pinned by HAProxy to one node each), taking
        // the requests in turn: like real users, they are spread over the nodes. A client whose connection is busy
        // opens another one for its next request instead of waiting, so a stalled node holds up only what it was given.
        for (int i = 0; i < clientCount; i++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(3)).executor(callbacks).build());
        }
        this.sender = new Thread(this::send, "chaos-load-sender");
        this.sender.setDaemon(true);
    }

    /**
     * Open-loop load at {@code ratePerSecond} from {@code clients} clients in turn: request {@code n} is due
     * {@code n / rate} s after the start, and its latency is counted from then (a sender that falls behind sends at
     * once what is due, and counts it late).
     */
    static ChaosLoad start(int port, int clients, int ratePerSecond, LongFunction<Target> mix) {
        ChaosLoad load = new ChaosLoad(port, clients, ratePerSecond, mix);
        load.t0 = System.nanoTime();
        load.sender.start();
        return load;
    }

    private void send() {
        long periodNanos = 1_000_000_000L / rate;
        for (long n = 0; running; n++) {
            long due = n * periodNanos;
            for (long wait = due - now(); wait > 0 && running; wait = due - now()) {
                LockSupport.parkNanos(wait);
            }
            if (!running) {
                return;
            }
            long lag = now() - due;
            if (lag > LATE_NANOS) {
                late.incrementAndGet();
            }
            issue(clients.get((int) (n % clients.size())), mix.apply(n), due);
        }
    }

    private void issue(HttpClient client, Target target, long due) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target.path()))
                .timeout(REQUEST_TIMEOUT).GET().build();
        CompletableFuture<HttpResponse<String>> call;
        try {
            call = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        } catch (RuntimeException e) {
            samples.add(new Sample(due, now(), target, -1, "", null, e.toString()));
            return;
        }
        inFlight.add(call);
        maxInFlight.accumulateAndGet(inFlight.size(), Math::max);
        call.whenComplete((response, failure) -> {
            long end = now();
            if (response != null) {
                String body = response.statusCode() >= 300 ? response.body() : "";
                samples.add(new Sample(due, end, target, response.statusCode(), body,
                        response.headers().firstValue("X-Config").orElse(null), null));
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                samples.add(new Sample(due, end, target, -1, "", null, String.valueOf(cause)));
            }
            inFlight.remove(call);
        });
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

    int clients() {
        return clients.size();
    }

    int rate() {
        return rate;
    }

    /** Requests sent more than {@link #LATE_NANOS} after they were due (the load generator fell behind). */
    long late() {
        return late.get();
    }

    /** The most requests in flight at once. */
    long maxInFlight() {
        return maxInFlight.get();
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

    /** Stops sending, lets the requests in flight end (each is bounded by its timeout), returns all by due time. */
    List<Sample> stop() {
        if (!running && !sender.isAlive() && inFlight.isEmpty()) {
            return samples(); // stopped already
        }
        running = false;
        try {
            sender.join(TimeUnit.SECONDS.toMillis(5));
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                    .get(REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.out.printf("[chaos-load] %d requests still in flight after their timeout: %s%n", inFlight.size(), e);
        }
        callbacks.shutdownNow();
        List<Sample> all = samples();
        all.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        return all;
    }
}
