package dev.gateway.config;

import dev.gateway.config.internal.Check;

/** A public key given inline in PEM ({@code -----BEGIN PUBLIC KEY-----}), with the {@code kid} tokens name it by. */
public record InlineKey(String kid, String pem) {
    public InlineKey {
        Check.that(kid != null && !kid.isEmpty(), "kid", kid, "a non-empty key id");
        Check.that(pem != null && pem.contains("-----BEGIN "), "pem", pem == null ? null : "...",
                "a PEM public key or certificate");
    }
}
