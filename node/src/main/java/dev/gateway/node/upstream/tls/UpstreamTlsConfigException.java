package dev.gateway.node.upstream.tls;

/**
 * An upstream's {@code tls} section is valid but cannot be built: a CA, certificate or key file
 * that is missing, unreadable or not what it should be. The message starts with the config path
 * ({@code upstreams.name.tls.ca: cannot read ...}), so that the config version is refused naming it.
 */
public final class UpstreamTlsConfigException extends IllegalArgumentException {
    private final String path;

    UpstreamTlsConfigException(String path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    /** The config path at fault, such as {@code upstreams.users.tls.key}. */
    public String path() {
        return path;
    }
}
