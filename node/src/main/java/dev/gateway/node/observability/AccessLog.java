package dev.gateway.node.observability;

/** Where finished requests are reported. Implementations never block the caller. */
public interface AccessLog extends AutoCloseable {
    void record(AccessLogEntry entry);

    @Override
    void close();
}
