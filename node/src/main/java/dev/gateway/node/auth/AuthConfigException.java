package dev.gateway.node.auth;

import java.util.List;

/**
 * The auth section is valid YAML and passed validation, but cannot be built: an unreadable PEM, a
 * key no configured algorithm can use, an HS secret too short for HS384/HS512. One line per
 * problem, each with its config path; the config version is rejected whole.
 */
public final class AuthConfigException extends IllegalArgumentException {
    private final transient List<String> problems;

    AuthConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code path: message}; never empty. */
    public List<String> problems() {
        return problems;
    }
}
