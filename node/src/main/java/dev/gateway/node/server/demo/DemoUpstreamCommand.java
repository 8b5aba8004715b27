package dev.gateway.node.server.demo;

import dev.gateway.config.HostPort;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gateway-node demo-upstream --listen 127.0.0.1:9001 --name users}: a sample service for trying the gateway. */
@Command(name = "demo-upstream", mixinStandardHelpOptions = true,
        description = {"A sample upstream that answers JSON echoing what it received.",
            "Query parameters steer it: delay=250ms (answer late), status=503 (answer with that status),",
            "bytes=N (stream an N-byte body), close=true (drop the connection without answering).",
            "GET /health answers 200."})
public final class DemoUpstreamCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:9001", description = "host:port (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--name", defaultValue = "demo", description = "the service name it reports (default: ${DEFAULT-VALUE})")
    String name;

    @Override
    public Integer call() throws Exception {
        HostPort address = HostPort.parse(listen);
        try (DemoUpstream upstream = DemoUpstream.start(address.host(), address.port(), name)) {
            System.out.println("demo upstream '" + name + "' on http://" + address.host() + ":" + upstream.port());
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "demo-shutdown"));
            stop.await();
        }
        return 0;
    }
}
