package dev.gateway.config.internal;

import dev.gateway.config.ApiKeyAuth;
import dev.gateway.config.AuthConfig;
import dev.gateway.config.InlineKey;
import dev.gateway.config.IntrospectionProvider;
import dev.gateway.config.JwtProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/** Binds the {@code auth:} section; absent gives {@link AuthConfig#empty()}. */
public final class AuthReader {
    private AuthReader() {
    }

    public static AuthConfig auth(Node n) {
        if (!n.present()) {
            return AuthConfig.empty();
        }
        int mark = n.errors().mark();
        if (!n.object("jwt", "api-key", "introspection")) {
            return null;
        }
        List<JwtProvider> jwt = n.at("jwt").list(AuthReader::jwt);
        ApiKeyAuth apiKey = apiKey(n.at("api-key"));
        List<IntrospectionProvider> introspection = n.at("introspection").list(AuthReader::introspection);
        return n.build(mark, () -> new AuthConfig(jwt, apiKey, introspection));
    }

    private static JwtProvider jwt(Node n) {
        int mark = n.errors().mark();
        if (!n.object("id", "issuer", "audiences", "jwks-url", "keys", "hs-secret", "algorithms", "clock-skew",
                "required-claims", "max-token-bytes", "jwks-refresh")) {
            return null;
        }
        String id = n.at("id").requiredText();
        String issuer = n.at("issuer").requiredText();
        List<String> audiences = n.at("audiences").texts();
        URI jwks = n.at("jwks-url").parse(AuthReader::uri, null);
        List<InlineKey> keys = n.at("keys").list(k -> {
            int m = k.errors().mark();
            if (!k.object("kid", "pem")) {
                return null;
            }
            String kid = k.at("kid").requiredText();
            String pem = k.at("pem").requiredText();
            return k.build(m, () -> new InlineKey(kid, pem));
        });
        String secret = n.at("hs-secret").text();
        List<String> algorithms = n.at("algorithms").present() ? n.at("algorithms").texts()
                : JwtProvider.defaultAlgorithms(secret != null);
        Duration skew = n.at("clock-skew").duration(JwtProvider.DEFAULT_CLOCK_SKEW);
        List<String> claims = n.at("required-claims").texts();
        int maxBytes = n.at("max-token-bytes").integer(JwtProvider.DEFAULT_MAX_TOKEN_BYTES);
        Duration refresh = n.at("jwks-refresh").duration(JwtProvider.DEFAULT_JWKS_REFRESH);
        return n.build(mark, () -> new JwtProvider(id, issuer, audiences, jwks, keys, secret, algorithms, skew, claims,
                maxBytes, refresh));
    }

    private static ApiKeyAuth apiKey(Node n) {
        int mark = n.errors().mark();
        if (!n.object("header", "query")) {
            return null;
        }
        String header = n.at("header").text();
        String query = n.at("query").text();
        String h = header == null && query == null ? ApiKeyAuth.DEFAULT_HEADER : header;
        return n.build(mark, () -> new ApiKeyAuth(h, query));
    }

    private static IntrospectionProvider introspection(Node n) {
        int mark = n.errors().mark();
        if (!n.object("id", "url", "client-id", "client-secret", "cache-for", "timeout")) {
            return null;
        }
        String id = n.at("id").requiredText();
        URI url = n.at("url").required() ? n.at("url").parse(AuthReader::uri, null) : null;
        String clientId = n.at("client-id").requiredText();
        String secret = n.at("client-secret").requiredText();
        Duration cacheFor = n.at("cache-for").duration(IntrospectionProvider.DEFAULT_CACHE_FOR);
        Duration timeout = n.at("timeout").duration(IntrospectionProvider.DEFAULT_TIMEOUT);
        return n.build(mark, () -> new IntrospectionProvider(id, url, clientId, secret, cacheFor, timeout));
    }

    static URI uri(String text) {
        try {
            URI u = new URI(text);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new URISyntaxException(text, "no scheme or host");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a URL (expected: e.g. https://host:port/path)");
        }
    }
}
