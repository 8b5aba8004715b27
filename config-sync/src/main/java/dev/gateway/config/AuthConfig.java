package dev.gateway.config;

import dev.gateway.config.internal.Check;
import java.util.List;

/** The authentication providers routes may name: {@code jwt:<id>}, {@code api-key}, {@code introspection:<id>}. */
public record AuthConfig(List<JwtProvider> jwt, ApiKeyAuth apiKey, List<IntrospectionProvider> introspection) {
    public AuthConfig {
        jwt = Check.list(jwt, "jwt");
        introspection = Check.list(introspection, "introspection");
        Check.that(jwt.stream().map(JwtProvider::id).distinct().count() == jwt.size(), "jwt",
                jwt.stream().map(JwtProvider::id).toList(), "unique ids");
        Check.that(introspection.stream().map(IntrospectionProvider::id).distinct().count() == introspection.size(),
                "introspection", introspection.stream().map(IntrospectionProvider::id).toList(), "unique ids");
    }

    public static AuthConfig empty() {
        return new AuthConfig(List.of(), null, List.of());
    }

    public boolean isEmpty() {
        return jwt.isEmpty() && apiKey == null && introspection.isEmpty();
    }

    /** The provider with this id, or null. */
    public JwtProvider jwt(String id) {
        return jwt.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }

    /** The provider with this id, or null. */
    public IntrospectionProvider introspection(String id) {
        return introspection.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }
}
