package dev.gateway.config;

/** Where shared state lives: in the cluster (the same on every node) or on each node alone. */
public enum Scope {
    CLUSTER, NODE;

    /** Config syntax: {@code cluster} or {@code node}. */
    public static Scope parse(String text) {
        return switch (text) {
            case "cluster" -> CLUSTER;
            case "node" -> NODE;
            default -> throw new IllegalArgumentException("'" + text + "' (expected: cluster or node)");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
