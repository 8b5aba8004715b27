package dev.gateway.chaos.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import dev.gateway.chaos.support.Http;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;

/**
 * One container of a {@link DockerGateway}: a gateway node ({@code gw-N}), a demo upstream or HAProxy. Its
 * published ports (bound to 127.0.0.1, random host ports) and its address on the test network are read from
 * {@code docker inspect} after every (re)start, since a restarted container may get other host ports.
 */
final class DockerNode {
    static final int PROXY = 8080;
    static final int ADMIN = 9901;
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(3);

    private final String name;
    private final GenericContainer<?> container;
    private final String networkId;
    private final Http http;
    private volatile Map<ExposedPort, Ports.Binding[]> bindings = Map.of();
    private volatile String ip;

    DockerNode(String name, GenericContainer<?> container, String networkId, Http http) {
        this.name = name;
        this.container = container;
        this.networkId = networkId;
        this.http = http;
    }

    String name() {
        return name;
    }

    String containerId() {
        return container.getContainerId();
    }

    GenericContainer<?> container() {
        return container;
    }

    /** Reads the published ports and the network address again (after a start). */
    void refresh() {
        InspectContainerResponse info = DockerEnv.client().inspectContainerCmd(containerId()).exec();
        Ports ports = info.getNetworkSettings().getPorts();
        Map<ExposedPort, Ports.Binding[]> published = new HashMap<>();
        if (ports != null) {
            ports.getBindings().forEach((port, binding) -> {
                if (binding != null) {
                    published.put(port, binding);
                }
            });
        }
        bindings = published;
        ip = null;
        for (ContainerNetwork n : info.getNetworkSettings().getNetworks().values()) {
            if (networkId.equals(n.getNetworkID())) {
                ip = n.getIpAddress();
            }
        }
    }

    /** The host port (on 127.0.0.1) publishing {@code containerPort}. */
    int hostPort(int containerPort) {
        Ports.Binding[] b = bindings.get(ExposedPort.tcp(containerPort));
        if (b == null || b.length == 0 || b[0].getHostPortSpec() == null || b[0].getHostPortSpec().isEmpty()) {
            throw new IllegalStateException(name + ": port " + containerPort + " is not published (container not running?)");
        }
        return Integer.parseInt(b[0].getHostPortSpec());
    }

    int adminPort() {
        return hostPort(ADMIN);
    }

    int proxyPort() {
        return hostPort(PROXY);
    }

    /** Its address on the test network (null while it is not attached). */
    String ip() {
        return ip;
    }

    Http.Reply admin(String method, String path, String body) {
        Map<String, String> headers = body == null
                ? Map.of("Authorization", "Bearer " + DockerGateway.ADMIN_TOKEN)
                : Map.of("Authorization", "Bearer " + DockerGateway.ADMIN_TOKEN, "Content-Type", "application/yaml");
        return http.send(method, adminPort(), path, headers, body, ADMIN_TIMEOUT);
    }

    Http.Reply ready() {
        return http.get(adminPort(), "/health/ready", Map.of(), Duration.ofSeconds(2));
    }

    boolean isReady() {
        return ready().status() == 200;
    }

    /** {@code GET /admin/cluster}'s size, -1 when the node does not answer. */
    int clusterSize() {
        Http.Reply r = admin("GET", "/admin/cluster", null);
        return r.status() == 200 ? r.json().path("size").asInt(-1) : -1;
    }

    /** {@code GET /admin/cluster}'s members (node names) in its order, the oldest first; empty when not answered. */
    java.util.List<String> members() {
        Http.Reply r = admin("GET", "/admin/cluster", null);
        if (r.status() != 200) {
            return java.util.List.of();
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        r.json().path("members").forEach(m -> out.add(m.path("node").asText()));
        return out;
    }

    /** {@code GET /admin/config}'s version, -1 when the node does not answer. */
    long configVersion() {
        Http.Reply r = admin("GET", "/admin/config", null);
        return r.status() == 200 ? r.json().path("version").asLong(-1) : -1;
    }

    /** The state this node acts on for {@code upstream}'s breaker ({@code GET /admin/breakers}), null when unknown. */
    String breakerState(String upstream) {
        Http.Reply r = admin("GET", "/admin/breakers", null);
        if (r.status() != 200) {
            return null;
        }
        JsonNode b = r.json().path("breakers").path(upstream);
        return b.isMissingNode() ? null : b.path("state").asText(null);
    }

    /** Remaining tokens of one bucket ({@code GET /admin/limits/{policy}/{key}}), -1 when not answered. */
    long remaining(String policy, String key) {
        Http.Reply r = admin("GET", "/admin/limits/" + policy + "/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("*", "%2A"), null);
        return r.status() == 200 ? r.json().path("remaining").asLong(-1) : -1;
    }

    /** The nodes holding one bucket, owner first, then its backups ({@code GET /admin/limits}); empty when not answered. */
    java.util.List<String> bucketHolders(String policy, String key) {
        Http.Reply r = admin("GET", "/admin/limits/" + policy + "/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("*", "%2A"), null);
        if (r.status() != 200 || !r.json().has("owner")) {
            return java.util.List.of();
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        out.add(r.json().path("owner").asText());
        r.json().path("backups").forEach(b -> out.add(b.asText()));
        return out;
    }

    /** A request straight to this node's proxy listener (bypassing HAProxy). */
    Http.Reply proxyGet(String path) {
        return http.get(proxyPort(), path, Map.of(), Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return name + "(" + ip + ")";
    }
}
