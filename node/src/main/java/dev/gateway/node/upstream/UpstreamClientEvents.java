package dev.gateway.node.upstream;

/**
 * What an upstream client reports besides each call's outcome, for metrics. Called on I/O and timer
 * threads: implementations must be thread-safe and must not block.
 */
public interface UpstreamClientEvents {
    /** Reports nothing. */
    UpstreamClientEvents NONE = (upstream, timeout) -> {
    };

    /**
     * A response body was cut because a timeout expired after its head had arrived.
     *
     * @param upstream the upstream's name
     * @param timeout  {@code response} (the upstream was silent for {@code timeouts.response}) or {@code route}
     *                 (the exchange's deadline, the route's {@code timeout}, passed)
     */
    void bodyTimedOut(String upstream, String timeout);
}
