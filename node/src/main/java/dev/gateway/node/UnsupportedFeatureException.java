package dev.gateway.node;

import java.util.List;

/** The config asks for capabilities this node does not have yet; it refuses to start rather than ignore them. */
public final class UnsupportedFeatureException extends RuntimeException {
    private final List<String> features;

    public UnsupportedFeatureException(List<String> features) {
        super("config uses what this gateway version does not implement yet: " + String.join(", ", features));
        this.features = List.copyOf(features);
    }

    public List<String> features() {
        return features;
    }
}
