package dev.gateway.node.upstream;

import dev.gateway.node.http.GatewayRequest;

/** Chooses the target of one request among an upstream's targets. Thread-safe, never blocks. */
public interface Balancer {
    UpstreamTarget pick(GatewayRequest request);
}
