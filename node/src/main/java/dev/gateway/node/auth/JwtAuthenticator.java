package dev.gateway.node.auth;

import dev.gateway.node.http.ErrorResponses;
import io.jsonwebtoken.Claims;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code jwt:<id>}: a bearer token verified by {@link JwtVerifier}; its subject ({@code sub}, else
 * {@code client_id}, else {@code azp}) names the consumer through {@code consumers.*.jwt-subjects},
 * or is the consumer id itself.
 */
final class JwtAuthenticator implements Authenticator {
    /** Longer subjects are refused rather than sent upstream in a header. */
    static final int MAX_SUBJECT_CHARS = 512;

    private final String id;
    private final JwtVerifier verifier;
    private final Consumers consumers;

    JwtAuthenticator(JwtVerifier verifier, Consumers consumers) {
        this.id = "jwt:" + verifier.config().id();
        this.verifier = verifier;
        this.consumers = consumers;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Credential credential() {
        return Credential.BEARER_TOKEN;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(String token) {
        return verifier.verify(token).handle(this::verdict);
    }

    private AuthResult verdict(Claims claims, Throwable failure) {
        if (failure != null) {
            Throwable cause = ErrorResponses.unwrap(failure);
            if (cause instanceof AuthRejection rejection) {
                return rejection.result();
            }
            throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
        }
        String subject = subjectOf(claims);
        if (subject != null && !headerSafe(subject)) {
            return AuthResult.refused(AuthReason.SUBJECT, "token subject is not a printable ASCII string");
        }
        return AuthResult.ok(consumers.principalOf(subject).withClaims(claims));
    }

    static String subjectOf(Claims claims) {
        String subject = JwtVerifier.stringClaim(claims, "sub");
        if (subject == null) {
            subject = JwtVerifier.stringClaim(claims, "client_id");
        }
        if (subject == null) {
            subject = JwtVerifier.stringClaim(claims, "azp");
        }
        return subject == null || subject.isEmpty() ? null : subject;
    }

    /** Printable ASCII only, no outer spaces, bounded: the subject goes upstream verbatim in a header. Non-empty. */
    static boolean headerSafe(String value) {
        if (value.length() > MAX_SUBJECT_CHARS || value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            return false; // upstream parsers trim: " alice" must not arrive as "alice"
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return id;
    }
}
