package dev.gateway.node;

import dev.gateway.cluster.GatewayCluster;
import dev.gateway.config.AdminSettings;
import dev.gateway.config.ClusterSettings;
import dev.gateway.config.GatewayConfig;
import dev.gateway.config.HostPort;
import dev.gateway.config.NodeSettings;
import dev.gateway.node.auth.HashKeyCommand;
import dev.gateway.node.member.MemberCommand;
import dev.gateway.node.server.ListenException;
import dev.gateway.node.server.demo.DemoUpstreamCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gateway-node.jar --config gateway.yaml [flags]}: starts one node and serves
 * until SIGTERM/SIGINT. Exit status 2 with one line per problem on a bad config, a port in use
 * or a flag that does not parse.
 */
@Command(name = "gateway-node", mixinStandardHelpOptions = true, version = "gateway-node 0.1.0",
        description = "A node of the clustered API gateway.",
        subcommands = {DemoUpstreamCommand.class, HashKeyCommand.class, MemberCommand.class})
public final class Main implements Callable<Integer> {
    static final int BAD_INPUT = 2;

    @Option(names = "--config", description = "the gateway config file (YAML or JSON)")
    Path config;

    @Option(names = "--node-name", description = "overrides node.name")
    String nodeName;

    @Option(names = "--listen", description = "overrides node.listen (host:port)")
    String listen;

    @Option(names = "--admin-listen", description = "overrides node.admin.listen (host:port)")
    String adminListen;

    @Option(names = "--cluster-listen", description = "overrides cluster.listen (host:port)")
    String clusterListen;

    @Option(names = "--member", description = "a cluster member host:port (repeatable); overrides cluster.discovery"
            + " (cluster.members with cluster.mode: client)")
    List<String> members;

    @Option(names = "--state-dir", description = "overrides node.state-dir: where the last applied config is kept"
            + " (default: state/<node name>)")
    Path stateDir;

    @Option(names = "--watch", description = "publish the config file's shared part to the cluster whenever the file changes")
    boolean watch;

    @Option(names = "--drain-delay", defaultValue = "2s", description = "on SIGTERM, how long the node stays up not ready,"
            + " answering with Connection: close, before it stops accepting (default: ${DEFAULT-VALUE})")
    String drainDelay;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        // Before anything touches the common pool or Hazelcast: its async callbacks run there.
        GatewayCluster.prepareJvm();
        Logger grizzly = quietGrizzly();
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("gateway-node: " + e.getMessage());
            return 1;
        });
        int status = cli.execute(args);
        java.lang.ref.Reference.reachabilityFence(grizzly); // JUL keeps loggers weakly: hold the level
        return status;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = new PrintWriter(System.err, true);
        if (config == null) {
            err.println("gateway-node: --config is required (try --help)");
            return BAD_INPUT;
        }
        GatewayConfig file = ConfigFile.read(config, err);
        if (file == null) {
            return BAD_INPUT;
        }
        GatewayConfig parsed;
        try {
            parsed = withFlags(file);
        } catch (IllegalArgumentException e) {
            err.println("gateway-node: " + e.getMessage());
            return BAD_INPUT;
        }
        GatewayNode node;
        try {
            node = GatewayNode.start(parsed);
        } catch (UnsupportedFeatureException e) {
            err.println(config + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (InvalidConfigException e) {
            e.errors().forEach(error -> err.println(config + ": " + error));
            return BAD_INPUT;
        } catch (dev.gateway.node.auth.AuthConfigException e) {
            for (String problem : e.getMessage().split("\n")) {
                err.println(config + ": " + problem);
            }
            return BAD_INPUT;
        } catch (ListenException e) {
            err.println("gateway-node: " + e.getMessage());
            return BAD_INPUT;
        } catch (IllegalArgumentException e) {
            err.println(config + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (IllegalStateException e) {
            // The cluster member could not start: its port in use, most likely.
            err.println("gateway-node: " + e.getMessage());
            return BAD_INPUT;
        } catch (java.io.UncheckedIOException e) {
            err.println(config + ": " + e.getMessage() + " (" + e.getCause().getMessage() + ")");
            return BAD_INPUT;
        }
        ConfigFileWatch watcher = watch ? ConfigFileWatch.start(config, node.configSync(), parsed.node().name()) : null;
        CountDownLatch stopped = new CountDownLatch(1);
        java.time.Duration delay = dev.gateway.config.Durations.parse(drainDelay);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (watcher != null) {
                watcher.close();
            }
            // balancers check /health/ready every so often: give them the time to take this node out
            node.beginDrain();
            java.util.concurrent.locks.LockSupport.parkNanos(delay.toNanos());
            node.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        System.out.println("gateway node " + parsed.node().name() + " proxying on http://"
                + parsed.node().listen().host() + ":" + node.proxyPort() + ", admin on http://"
                + parsed.node().admin().listen().host() + ":" + node.adminPort());
        stopped.await();
        return 0;
    }

    /** Applies the command-line overrides of docs/configuration.md to the file's node and cluster sections. */
    private GatewayConfig withFlags(GatewayConfig file) {
        NodeSettings n = file.node();
        AdminSettings admin = adminListen == null ? n.admin() : new AdminSettings(HostPort.parse(adminListen), n.admin().token());
        String name = nodeName == null ? n.name() : nodeName;
        String state = stateDir != null ? stateDir.toString() : n.stateDir() != null ? n.stateDir() : "state/" + name;
        NodeSettings node = new NodeSettings(name, listen == null ? n.listen() : HostPort.parse(listen), n.tls(), admin,
                n.limits(), state, n.clientAddress(), n.paths(), n.http2());
        ClusterSettings cluster = file.cluster();
        if ((clusterListen != null || members != null) && cluster == null) {
            throw new IllegalArgumentException("--cluster-listen and --member need a cluster: section in the config");
        }
        if (cluster != null && clusterListen != null && cluster.mode() == ClusterSettings.Mode.CLIENT) {
            throw new IllegalArgumentException("--cluster-listen: not used with cluster.mode: client (a client node"
                    + " opens no cluster port)");
        }
        if (cluster != null) {
            cluster = ClusterFlags.apply(cluster, clusterListen, members);
        }
        return new GatewayConfig(node, cluster, file.shared());
    }

    /** Grizzly logs through java.util.logging; only its warnings are worth an operator's eye. */
    private static Logger quietGrizzly() {
        Logger logger = Logger.getLogger("org.glassfish.grizzly");
        logger.setLevel(Level.WARNING);
        return logger;
    }
}
