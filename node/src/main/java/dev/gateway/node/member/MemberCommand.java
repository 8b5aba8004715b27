package dev.gateway.node.member;

import dev.gateway.cluster.DataMember;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.GatewayConfig;
import dev.gateway.config.HostPort;
import dev.gateway.config.NodeSettings;
import dev.gateway.node.ClusterFlags;
import dev.gateway.node.ConfigFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gateway-node member --config member.yaml}: a dedicated, data-only Hazelcast member for client-mode gateway
 * nodes ({@link DataMember}): the gateway's map configs, serializers, entry processors and merge policy, no proxy.
 *
 * <p>What it reads from the file: the {@code cluster:} section (required; {@code mode} must be {@code embedded} or
 * absent), {@code node.name} (its name in {@code /admin/cluster}; default {@code member-<cluster port>}) and
 * {@code node.admin.listen} (its health endpoint, {@link MemberHealth}). Everything else in the file (routes,
 * upstreams) is parsed and ignored: one file can serve both. Flags override as for a node. On SIGTERM it hands its
 * partitions to the other members first (at most 30 s), then exits. Exit status 2 with one line per problem on a
 * bad config or a port in use.
 */
@Command(name = "member", mixinStandardHelpOptions = true,
        description = "A dedicated data-only cluster member for client-mode gateway nodes (no proxy).")
public final class MemberCommand implements Callable<Integer> {
    static final int BAD_INPUT = 2;

    @Option(names = "--config", required = true, description = "the config file: its cluster: section and node.name,"
            + " node.admin.listen")
    Path config;

    @Option(names = "--node-name", description = "overrides node.name")
    String nodeName;

    @Option(names = "--admin-listen", description = "overrides node.admin.listen: the health endpoint (host:port)")
    String adminListen;

    @Option(names = "--cluster-listen", description = "overrides cluster.listen (host:port)")
    String clusterListen;

    @Option(names = "--member", description = "a cluster member host:port (repeatable); overrides cluster.discovery")
    List<String> members;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = new PrintWriter(System.err, true);
        GatewayConfig parsed = ConfigFile.read(config, err);
        if (parsed == null) {
            return BAD_INPUT;
        }
        ClusterSettings cluster = parsed.cluster();
        if (cluster == null) {
            err.println(config + ": cluster: is required for a member");
            return BAD_INPUT;
        }
        DataMember member;
        MemberHealth health;
        try {
            cluster = withFlags(cluster);
            member = DataMember.start(cluster, name(parsed.node(), cluster));
        } catch (IllegalArgumentException e) {
            err.println(config + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (IllegalStateException e) {
            err.println("gateway-node member: " + e.getMessage());
            return BAD_INPUT;
        }
        HostPort healthListen = adminListen != null ? HostPort.parse(adminListen) : parsed.node().admin().listen();
        try {
            health = MemberHealth.start(healthListen, member);
        } catch (IOException | RuntimeException e) {
            member.close();
            err.println("gateway-node member: health endpoint on " + healthListen + ": " + e.getMessage());
            return BAD_INPUT;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            health.close();
            member.close(); // graceful: partitions handed over first
            stopped.countDown();
        }, "member-shutdown"));
        System.out.println("gateway member " + name(parsed.node(), cluster) + " in cluster '" + cluster.name()
                + "' on " + cluster.listen() + ", health on http://" + healthListen.host() + ":" + health.port());
        stopped.await();
        return 0;
    }

    private String name(NodeSettings node, ClusterSettings cluster) {
        if (nodeName != null) {
            return nodeName;
        }
        return NodeSettings.DEFAULT_NAME.equals(node.name()) ? "member-" + cluster.listen().port() : node.name();
    }

    private ClusterSettings withFlags(ClusterSettings cluster) {
        return ClusterFlags.apply(cluster, clusterListen, members);
    }
}
