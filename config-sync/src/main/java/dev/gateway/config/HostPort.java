package dev.gateway.config;

/**
 * A host (name, IPv4, or IPv6 without brackets) and a port in 0..65535 (0 = any free port).
 * Config syntax: {@code 127.0.0.1:8080}, {@code localhost:80}, {@code [::1]:8080}.
 */
public record HostPort(String host, int port) {
    public HostPort {
        if (host == null || host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("host: " + (host == null ? "null" : "'" + host + "'")
                    + " (expected: a host name or IP address)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    /** @throws IllegalArgumentException when {@code text} is not {@code host:port} */
    public static HostPort parse(String text) {
        String bad = "'" + text + "' is not host:port (expected: e.g. 127.0.0.1:8080, [::1]:8080)";
        if (text == null) {
            throw new IllegalArgumentException(bad);
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException(bad);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!host.contains(":")) {
                throw new IllegalArgumentException(bad);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException(bad);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(bad);
        }
        int p = Integer.parseInt(port);
        if (p > 65535) {
            throw new IllegalArgumentException("'" + text + "' has port " + p + " (expected: 0..65535)");
        }
        try {
            return new HostPort(host, p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(bad);
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
