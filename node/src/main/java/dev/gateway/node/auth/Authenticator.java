package dev.gateway.node.auth;

import java.util.concurrent.CompletionStage;

/**
 * One authentication provider of a config version: {@code jwt:<id>}, {@code api-key} or
 * {@code introspection:<id>}. Immutable apart from its caches; thread-safe.
 */
public interface Authenticator {

    /** What the provider reads from the request. */
    enum Credential { BEARER_TOKEN, API_KEY }

    /** The id routes name it by, e.g. {@code jwt:main}; also its metrics label. */
    String id();

    Credential credential();

    /**
     * Checks one presented credential (never null). Never blocks; the stage completes normally with
     * the verdict, whatever the client sent. An exceptional completion is a gateway bug (500).
     */
    CompletionStage<AuthResult> authenticate(String credential);
}
