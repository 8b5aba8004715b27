package dev.gateway.chaos.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One gateway node running as its own JVM ({@code java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
 * -jar gateway-node.jar --config ... --node-name ... --listen ... --admin-listen ... --cluster-listen ...
 * --member ... --state-dir ...}), its stdout and stderr appended to a log file (a restarted node continues it). Stopped only through its {@link Process} handle:
 * {@link #kill9()} is SIGKILL ({@link Process#destroyForcibly()}), no shutdown hook runs, no partition is
 * handed over.
 */
public final class GatewayProcess {
    private final String name;
    private final NodePorts ports;
    private final Process process;
    private final Path log;
    private volatile long slowestClusterView;

    private GatewayProcess(String name, NodePorts ports, Process process, Path log) {
        this.name = name;
        this.ports = ports;
        this.process = process;
        this.log = log;
    }

    static GatewayProcess launch(Path jar, Path config, String name, NodePorts ports, List<NodePorts> members,
                                 Path log, Path stateDir) {
        return launch(jar, config, name, ports, members, log, stateDir, java.util.Map.of());
    }

    /** As above, with {@code environment} added to the process's (e.g. libfaketime's {@code LD_PRELOAD}). */
    static GatewayProcess launch(Path jar, Path config, String name, NodePorts ports, List<NodePorts> members,
                                 Path log, Path stateDir, java.util.Map<String, String> environment) {
        List<String> command = new ArrayList<>(List.of(GatewayJar.javaBinary(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(),
                "--config", config.toString(),
                "--node-name", name,
                "--listen", "127.0.0.1:" + ports.proxy(),
                "--admin-listen", "127.0.0.1:" + ports.admin(),
                "--cluster-listen", ports.clusterAddress(),
                "--state-dir", stateDir.toString()));
        for (NodePorts member : members) {
            command.add("--member");
            command.add(member.clusterAddress());
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new GatewayProcess(name, ports, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + name + ": " + command, e);
        }
    }

    /**
     * Any command line of the gateway jar ({@code member ...}, a client-mode node without {@code --cluster-listen}),
     * run as {@code java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar JAR ARGS}, logged like a node's.
     */
    static GatewayProcess launchArgs(Path jar, String name, NodePorts ports, List<String> args, Path log) {
        return launchArgs(jar, name, ports, args, log, java.util.Map.of());
    }

    /** As above, with {@code environment} added to the process's (e.g. libfaketime's {@code LD_PRELOAD}). */
    static GatewayProcess launchArgs(Path jar, String name, NodePorts ports, List<String> args, Path log,
                                     java.util.Map<String, String> environment) {
        List<String> command = new ArrayList<>(List.of(GatewayJar.javaBinary(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(args);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            return new GatewayProcess(name, ports, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public NodePorts ports() {
        return ports;
    }

    public int proxyPort() {
        return ports.proxy();
    }

    public int adminPort() {
        return ports.admin();
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Fails with the node's exit status and the end of its log when it is no longer running. */
    public void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError("node " + name + " exited with status " + process.exitValue()
                    + "; end of " + log + ":\n" + logTail(40));
        }
    }

    /** SIGKILL, then waits until the process is gone. */
    public void kill9() {
        process.destroyForcibly();
        try {
            process.onExit().get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("node " + name + " (pid " + pid() + ") survived SIGKILL for 20 s", e);
        }
    }

    /**
     * SIGTERM ({@link Process#destroy()}): the process runs its shutdown (a member hands its partitions over);
     * waits for it to exit, at most {@code seconds}.
     */
    public void terminate(long seconds) {
        process.destroy();
        try {
            process.onExit().get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(name + " (pid " + pid() + ") did not exit within " + seconds
                    + " s of SIGTERM", e);
        }
    }

    /** An admin call with the cluster's admin token. */
    public Http.Reply admin(Http http, String method, String path, String body) {
        return http.send(method, ports.admin(), path, java.util.Map.of("Authorization", "Bearer " + Gateways.ADMIN_TOKEN),
                body, java.time.Duration.ofSeconds(15));
    }

    /** {@code PUT /admin/config} with {@code yaml}. */
    public Http.Reply putConfig(Http http, String yaml) {
        return admin(http, "PUT", "/admin/config", yaml);
    }

    /** The config version this node serves, from {@code GET /admin/config}; fails unless the answer is 200. */
    public long configVersion(Http http) {
        Http.Reply reply = admin(http, "GET", "/admin/config", null);
        if (reply.status() != 200) {
            throw new AssertionError("node " + name + ": /admin/config answered " + reply);
        }
        return reply.json().get("version").asLong();
    }

    /** {@code GET /health/ready}: 200 when ready, else 503 with a reason. */
    public Http.Reply ready(Http http) {
        return http.get(ports.admin(), "/health/ready");
    }

    /**
     * {@code GET /admin/cluster}, parsed. Allowed 15 s: right after a member dies this call takes about 10 s
     * (its {@code local_partitions_safe} waits on Hazelcast's replica-sync check), see the test report.
     */
    public JsonNode clusterView(Http http) {
        Http.Reply reply = admin(http, "GET", "/admin/cluster", null);
        slowestClusterView = Math.max(slowestClusterView, reply.millis());
        if (reply.status() != 200) {
            throw new AssertionError("node " + name + ": /admin/cluster answered " + reply);
        }
        return reply.json();
    }

    /** {@code GET /admin/limits/{policy}/{key}} with the key URL-encoded (so {@code *} is {@code %2A}). */
    public Http.Reply limits(Http http, String policy, String key) {
        String encoded = java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("*", "%2A").replace("+", "%20");
        return admin(http, "GET", "/admin/limits/" + policy + "/" + encoded, null);
    }

    /** The {@code remaining} of one bucket as this node sees the cluster; fails unless the answer is 200. */
    public long remaining(Http http, String policy, String key) {
        Http.Reply reply = limits(http, policy, key);
        if (reply.status() != 200) {
            throw new AssertionError("node " + name + ": /admin/limits/" + policy + "/" + key + " answered " + reply);
        }
        return reply.json().get("remaining").asLong();
    }

    /** The node holding one bucket ({@code owner} of {@code /admin/limits}); fails unless the answer names one. */
    public String limitsOwner(Http http, String policy, String key) {
        Http.Reply reply = limits(http, policy, key);
        if (reply.status() != 200 || !reply.json().hasNonNull("owner")) {
            throw new AssertionError("node " + name + ": /admin/limits/" + policy + "/" + key + " named no owner: " + reply);
        }
        return reply.json().get("owner").asText();
    }

    /** {@code gateway_rate_limit_decisions_total{policy, outcome}} from {@code /metrics}; 0 when absent. */
    public long decisions(Http http, String policy, String outcome) {
        Http.Reply reply = http.get(ports.admin(), "/metrics");
        if (reply.status() != 200) {
            throw new AssertionError("node " + name + ": /metrics answered " + reply);
        }
        for (String line : reply.body().split("\n")) {
            if (line.startsWith("gateway_rate_limit_decisions_total{") && line.contains("policy=\"" + policy + "\"")
                    && line.contains("outcome=\"" + outcome + "\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** The longest {@code /admin/cluster} took so far, in ms. */
    public long slowestClusterViewMillis() {
        return slowestClusterView;
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ", proxy " + ports.proxy() + ", admin " + ports.admin()
                + ", cluster " + ports.cluster() + ")";
    }
}
