package dev.gateway.node.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.node.runtime.GatewayRuntime;
import dev.gateway.node.runtime.RuntimeHolder;
import dev.gateway.node.upstream.UpstreamGroup;
import dev.gateway.node.upstream.UpstreamTarget;
import java.util.function.ToIntFunction;

/**
 * {@code GET /admin/upstreams}: every upstream of the config in force with, per target, what
 * this node sees: health, requests in flight, open and idle pooled connections.
 */
public final class UpstreamsView {
    private final ObjectMapper json = new ObjectMapper();
    private final RuntimeHolder runtimes;
    private final ToIntFunction<UpstreamTarget> openConnections;
    private final ToIntFunction<UpstreamTarget> idleConnections;

    public UpstreamsView(RuntimeHolder runtimes, ToIntFunction<UpstreamTarget> openConnections,
                         ToIntFunction<UpstreamTarget> idleConnections) {
        this.runtimes = runtimes;
        this.openConnections = openConnections;
        this.idleConnections = idleConnections;
    }

    public String render() {
        ObjectNode out = json.createObjectNode();
        ObjectNode upstreams = out.putObject("upstreams");
        GatewayRuntime runtime = runtimes.current();
        if (runtime != null) {
            for (UpstreamGroup group : runtime.upstreams().values()) {
                ObjectNode u = upstreams.putObject(group.name());
                u.put("balancing", group.config().balancing().toString());
                ArrayNode targets = u.putArray("targets");
                for (UpstreamTarget t : group.targets()) {
                    ObjectNode target = targets.addObject();
                    target.put("target", t.key());
                    target.put("weight", t.weight());
                    target.put("healthy", group.healthy(t));
                    target.put("in_flight", group.inFlight(t));
                    target.put("open_connections", openConnections.applyAsInt(t));
                    target.put("idle_connections", idleConnections.applyAsInt(t));
                }
            }
        }
        return out.toString();
    }
}
