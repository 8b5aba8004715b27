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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Load straight at one node's proxy port (not through HAProxy), so that a test can say which side of a partition
 * admitted what: {@code threads} client threads, each with its own keep-alive connection, take tickets that a
 * timer issues at {@code rate} per second (a ticket no thread is free for is dropped, so a slow node builds no
 * backlog). Every answer is kept with its wall-clock start and end (the containers share the host's clock, so
 * these line up with a fixed window aligned to the epoch) and its {@code RateLimit-Limit} header, which says
 * whether the cluster's bucket or the node's {@code local} fallback decided.
 */
final class NodeLoad {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /** One answer: epoch ms of its start and end, status (-1: none), {@code RateLimit-Limit} (null: absent). */
    record Sample(String node, long startMillis, long endMillis, int status, String limit) {
    }

    private final String node;
    private final int port;
    private final String path;
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<Long> tickets;
    private final List<Thread> workers = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "node-load-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;

    private NodeLoad(String node, int port, String path, int threads) {
        this.node = node;
        this.port = port;
        this.path = path;
        this.tickets = new ArrayBlockingQueue<>(threads);
    }

    static NodeLoad start(DockerNode node, String path, int threads, int ratePerSecond) {
        NodeLoad load = new NodeLoad(node.name(), node.proxyPort(), path, threads);
        load.timer.scheduleAtFixedRate(() -> load.tickets.offer(0L), 0, 1_000_000_000L / ratePerSecond,
                TimeUnit.NANOSECONDS);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(load::work, "node-load-" + node.name() + "-" + i);
            t.setDaemon(true);
            load.workers.add(t);
            t.start();
        }
        return load;
    }

    private void work() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(REQUEST_TIMEOUT).GET().build();
        while (running) {
            try {
                if (tickets.poll(100, TimeUnit.MILLISECONDS) == null) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            long start = System.currentTimeMillis();
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                samples.add(new Sample(node, start, System.currentTimeMillis(), response.statusCode(),
                        response.headers().firstValue("RateLimit-Limit").orElse(null)));
            } catch (IOException e) {
                samples.add(new Sample(node, start, System.currentTimeMillis(), -1, null));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops issuing tickets, lets the requests in flight end (each bounded by its timeout), returns every answer. */
    List<Sample> stop() {
        running = false;
        timer.shutdownNow();
        for (Thread t : workers) {
            try {
                t.join(REQUEST_TIMEOUT.toMillis() + 2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            t.interrupt();
        }
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }
}
