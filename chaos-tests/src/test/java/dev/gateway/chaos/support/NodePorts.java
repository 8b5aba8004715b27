package dev.gateway.chaos.support;

/** The three loopback ports of one node: proxy traffic, admin API, Hazelcast member. */
public record NodePorts(int proxy, int admin, int cluster) {
    public static NodePorts pick(FreePorts ports) {
        return new NodePorts(ports.next(), ports.next(), ports.next());
    }

    public String clusterAddress() {
        return "127.0.0.1:" + cluster;
    }
}
