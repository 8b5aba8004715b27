package dev.gateway.chaos.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.images.builder.Transferable;

/**
 * Faults on the links between the members of a {@link DockerGateway} (Hazelcast's port 5701 only: HAProxy, the
 * clients and the upstreams are untouched), made inside the node containers (they run with {@code NET_ADMIN}).
 * <ul>
 *   <li>Latency: a {@link DelayProxy} in each node (started as root from the test's class file; the node image has
 *       a JRE) listens on 127.0.0.1:{@value #PROXY_BASE_PORT}+j for each peer gw-j and forwards to gw-j:5701 with
 *       the delay; iptables in the node redirects the gateway's own connections to a peer's 5701 (NAT
 *       {@code OUTPUT -m owner --uid-owner gateway -j REDIRECT}) to that port, and resets whatever the gateway
 *       still sends to a peer's 5701 directly (its connections opened before: they reconnect, through the proxy).
 *       Each member connection goes through the proxy of the node that opened it, so each direction of every
 *       member link is delayed once: a round trip costs twice the one-way delay.</li>
 *   <li>Loss: {@code iptables -m statistic --mode random --probability P -j DROP} on the member packets each node
 *       receives (to or from port 5701), so every member packet is dropped with probability P, once.</li>
 * </ul>
 */
final class MemberLinks {
    static final int PROXY_BASE_PORT = 15700;
    static final String DIR = "/tmp/delay-proxy";
    static final String CONTROL = DIR + "/control";
    /** The node image's {@code gateway} user (docker/Dockerfile's GATEWAY_UID): the member's own connections. */
    static final String GATEWAY_UID = "10001";

    private final DockerGateway gateway;

    MemberLinks(DockerGateway gateway) {
        this.gateway = gateway;
    }

    // ---- latency ---------------------------------------------------------------------------------------------

    /**
     * Starts a delay proxy in every node, each direction delayed uniformly in [minMs, maxMs], not yet in the members'
     * way ({@link #redirect}): a JVM start costs CPU, better spent before the load than during it.
     */
    void startProxies(long minMs, long maxMs) {
        byte[] proxyClass = proxyClass();
        List<DockerNode> nodes = gateway.nodes();
        for (DockerNode n : nodes) {
            n.container().copyFileToContainer(Transferable.of(proxyClass),
                    DIR + "/" + DelayProxy.class.getName().replace('.', '/') + ".class");
            List<String> mappings = new ArrayList<>();
            for (int j = 1; j <= nodes.size(); j++) {
                DockerNode peer = gateway.node(j);
                if (peer != n) {
                    mappings.add((PROXY_BASE_PORT + j) + "=" + peer.ip() + ":5701");
                }
            }
            gateway.execAsRoot(n, "sh", "-c", "echo '" + minMs + " " + maxMs + "' > " + CONTROL + " && rm -f " + CONTROL
                    + ".ready && (nohup java -Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + DIR + " "
                    + DelayProxy.class.getName() + " " + CONTROL + " " + String.join(" ", mappings) + " > " + DIR
                    + "/log 2>&1 < /dev/null & echo $! > " + DIR + "/pid)");
        }
        for (DockerNode n : nodes) {
            Phases.until(n.name() + "'s delay proxy listening", Duration.ofSeconds(20), Duration.ofMillis(100),
                    () -> gateway.execAsRoot(n, "sh", "-c", "test -f " + CONTROL + ".ready && echo yes").contains("yes"));
        }
    }

    /** Sends every member link through the proxies of {@link #startProxies}. */
    void redirect() {
        for (DockerNode n : gateway.nodes()) {
            rules(n, "-A");
        }
    }

    /** Changes the delay of every proxy (read within 100 ms; the connections stay). */
    void setDelay(long minMs, long maxMs) {
        for (DockerNode n : gateway.nodes()) {
            gateway.execAsRoot(n, "sh", "-c", "echo '" + minMs + " " + maxMs + "' > " + CONTROL + ".new && mv "
                    + CONTROL + ".new " + CONTROL);
        }
    }

    /** Removes the redirections, then ends each proxy (by its PID): the members reconnect directly. */
    void removeDelay() {
        for (DockerNode n : gateway.nodes()) {
            rules(n, "-D");
        }
        for (DockerNode n : gateway.nodes()) {
            gateway.execAsRoot(n, "sh", "-c", "kill $(cat " + DIR + "/pid)");
        }
    }

    private void rules(DockerNode n, String op) {
        for (int j = 1; j <= gateway.nodes().size(); j++) {
            DockerNode peer = gateway.node(j);
            if (peer == n) {
                continue;
            }
            gateway.execAsRoot(n, "iptables", "-t", "nat", op, "OUTPUT", "-p", "tcp", "-d", peer.ip(), "--dport", "5701",
                    "-m", "owner", "--uid-owner", GATEWAY_UID, "-j", "REDIRECT", "--to-ports",
                    Integer.toString(PROXY_BASE_PORT + j));
            // NAT applies to new connections only: the member's connections opened before go on directly, so what
            // it still sends there is answered with a reset (redirected packets have 127.0.0.1 as destination)
            gateway.execAsRoot(n, "iptables", op, "OUTPUT", "-p", "tcp", "-d", peer.ip(), "--dport", "5701",
                    "-m", "owner", "--uid-owner", GATEWAY_UID, "-j", "REJECT", "--reject-with", "tcp-reset");
        }
    }

    private static byte[] proxyClass() {
        String resource = DelayProxy.class.getSimpleName() + ".class";
        try (InputStream in = DelayProxy.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- loss ------------------------------------------------------------------------------------------------

    /** Drops each member packet that {@code n} receives with {@code probability}. */
    void loss(DockerNode n, double probability) {
        lossRules(n, "-A", probability);
    }

    void removeLoss(DockerNode n, double probability) {
        lossRules(n, "-D", probability);
    }

    private void lossRules(DockerNode n, String op, double probability) {
        String p = String.format(Locale.ROOT, "%.4f", probability);
        for (String port : new String[] {"--dport", "--sport"}) {
            gateway.execAsRoot(n, "iptables", op, "INPUT", "-p", "tcp", port, "5701", "-m", "statistic", "--mode",
                    "random", "--probability", p, "-j", "DROP");
        }
    }

    /** Member packets {@code n}'s loss rules dropped so far (iptables' counters). */
    long dropped(DockerNode n) {
        String out = gateway.execAsRoot(n, "iptables", "-L", "INPUT", "-v", "-n", "-x");
        long sum = 0;
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\s+\\d+\\s+DROP\\s+.*statistic").matcher(out);
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    // ---- what the nodes say ----------------------------------------------------------------------------------

    /**
     * How many member lists {@code n}'s Hazelcast has logged ({@code Members {size:N, ver:V}}, one per change of the
     * membership): unchanged across a fault, no member left or joined, whatever the admin API answered meanwhile.
     */
    static long memberLists(DockerNode n) {
        return n.container().getLogs().lines().filter(l -> l.contains("Members {size:")).count();
    }

    static long memberLists(List<DockerNode> nodes) {
        return nodes.stream().mapToLong(MemberLinks::memberLists).sum();
    }

    /** {@code gateway_rate_limit_decisions_total{policy, outcome}} on {@code n} (0 when absent, -1 unanswered). */
    static long decisions(DockerNode n, String policy, String outcome) {
        var r = n.admin("GET", "/metrics", null);
        if (r.status() != 200) {
            return -1;
        }
        for (String line : r.body().split("\n")) {
            if (line.startsWith("gateway_rate_limit_decisions_total{") && line.contains("policy=\"" + policy + "\"")
                    && line.contains("outcome=\"" + outcome + "\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
