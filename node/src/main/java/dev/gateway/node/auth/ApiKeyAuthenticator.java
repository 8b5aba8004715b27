package dev.gateway.node.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code api-key}: the presented key must be one of a consumer's {@code api-keys}. Synchronous. */
final class ApiKeyAuthenticator implements Authenticator {
    static final String ID = "api-key";

    private static final CompletionStage<AuthResult> UNKNOWN =
            CompletableFuture.completedFuture(AuthResult.refused(AuthReason.UNKNOWN_API_KEY, "invalid API key"));

    private final Consumers consumers;

    ApiKeyAuthenticator(Consumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Credential credential() {
        return Credential.API_KEY;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(String key) {
        Consumers.Consumer consumer = key.isEmpty() ? null : consumers.byApiKey(key);
        if (consumer == null) {
            return UNKNOWN;
        }
        return CompletableFuture.completedFuture(AuthResult.ok(new Principal(consumer.id(), consumer.plan(), null)));
    }

    @Override
    public String toString() {
        return ID;
    }
}
