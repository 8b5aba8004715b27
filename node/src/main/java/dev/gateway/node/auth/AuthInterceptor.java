package dev.gateway.node.auth;

import dev.gateway.node.observability.tracing.TraceSpan;
import dev.gateway.node.http.Exchange;
import dev.gateway.node.http.GatewayException;
import dev.gateway.node.http.GatewayRequest;
import dev.gateway.node.http.QueryParameters;
import dev.gateway.node.http.GatewayResponse;
import dev.gateway.node.http.Headers;
import dev.gateway.node.pipeline.Interceptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The authentication link of a route with {@code auth: [...]}: the providers are tried in the
 * route's order, each only when its credential is present, and the first that accepts wins.
 *
 * <p>On success the request goes on without its credentials (the {@code Authorization} header when
 * the route has a token provider, the API key header and query parameter when it has
 * {@code api-key}), with {@code X-Consumer-Id}, {@code X-Consumer-Plan} and
 * {@code X-Authenticated-Subject} set as known (inbound copies were already removed by the
 * identity-headers link), and with the consumer recorded on the {@link Exchange}.
 *
 * <p>Otherwise a {@link GatewayException}, the most telling verdict first: 503 when a provider
 * could not decide (introspection down), 403 when a genuine token lacks a required claim, 401 with
 * {@code WWW-Authenticate} (RFC 6750 {@code Bearer realm="gateway"}, with
 * {@code error="invalid_token"} when a bad token was presented; {@code ApiKey realm="gateway"} for
 * API keys) when nothing valid was presented; 400 for more than one {@code Authorization} or API key
 * header. Stateless: one instance per route per config version.
 */
final class AuthInterceptor implements Interceptor {
    static final String REALM = "gateway";
    private static final String BEARER_CHALLENGE = "Bearer realm=\"" + REALM + "\"";

    private final Authenticator[] providers;
    private final ProviderMetrics[] metrics;
    private final boolean bearer;
    private final String apiKeyHeader;
    private final String apiKeyQuery;
    private final String apiKeyChallenge;
    private final String name;

    /**
     * @param apiKeyHeader the header API keys come in (null for none, or when no provider is {@code api-key})
     * @param apiKeyQuery  the query parameter API keys come in (null likewise)
     */
    AuthInterceptor(List<Authenticator> providers, AuthMetrics metrics, String apiKeyHeader, String apiKeyQuery) {
        this.providers = providers.toArray(new Authenticator[0]);
        this.metrics = providers.stream().map(p -> metrics.provider(p.id())).toArray(ProviderMetrics[]::new);
        this.bearer = providers.stream().anyMatch(p -> p.credential() == Authenticator.Credential.BEARER_TOKEN);
        boolean apiKeys = providers.stream().anyMatch(p -> p.credential() == Authenticator.Credential.API_KEY);
        this.apiKeyHeader = apiKeys ? apiKeyHeader : null;
        this.apiKeyQuery = apiKeys ? apiKeyQuery : null;
        this.apiKeyChallenge = !apiKeys ? null : "ApiKey realm=\"" + REALM + "\""
                + (this.apiKeyHeader != null ? ", header=\"" + this.apiKeyHeader + "\"" : "")
                + (this.apiKeyQuery != null ? ", query=\"" + this.apiKeyQuery + "\"" : "");
        this.name = "auth " + providers.stream().map(Authenticator::id).toList();
    }

    @Override
    public CompletionStage<GatewayResponse> intercept(Chain chain) {
        GatewayRequest request = chain.request();
        Headers headers = request.headers();
        String token;
        String apiKey;
        try {
            token = bearer ? bearerToken(headers) : null;
            apiKey = apiKeyHeader != null ? single(headers, apiKeyHeader) : null;
        } catch (GatewayException e) {
            request.body().discard();
            throw e;
        }
        if (apiKey == null && apiKeyQuery != null) {
            apiKey = QueryParameters.get(request.query(), apiKeyQuery);
        }
        Verdicts verdicts = new Verdicts();
        TraceSpan span = request.exchange().trace().child("authentication");
        return attempt(0, token, apiKey, verdicts, span).thenCompose(result -> {
            span.set("gateway.auth.outcome", result.reason().label()).end();
            if (!result.isOk()) {
                request.body().discard(); // it will never be read: release the client connection's input
                throw refusal(verdicts);
            }
            return chain.proceed(authenticated(request, result.principal()));
        });
    }

    /** Tries providers from {@code from} on; completes with the first success, or a refusal when none accepts. */
    private CompletionStage<AuthResult> attempt(int from, String token, String apiKey, Verdicts verdicts,
                                                TraceSpan span) {
        for (int i = from; i < providers.length; i++) {
            Authenticator provider = providers[i];
            boolean isBearer = provider.credential() == Authenticator.Credential.BEARER_TOKEN;
            String credential = isBearer ? token : apiKey;
            ProviderMetrics m = metrics[i];
            if (credential == null) {
                m.outcome(AuthReason.MISSING);
                continue;
            }
            if (isBearer ? !b64token(credential) : credential.isEmpty()) {
                m.outcome(AuthReason.MALFORMED);
                verdicts.add(AuthResult.refused(AuthReason.MALFORMED,
                        isBearer ? "malformed bearer token" : "empty API key"), isBearer);
                continue;
            }
            int next = i + 1;
            span.set("gateway.auth.provider", provider.id());
            return provider.authenticate(credential).thenCompose(result -> {
                m.outcome(result.reason());
                if (result.isOk()) {
                    return CompletableFuture.completedFuture(result);
                }
                verdicts.add(result, isBearer);
                return attempt(next, token, apiKey, verdicts, span);
            });
        }
        return CompletableFuture.completedFuture(AuthResult.refused(AuthReason.MISSING, "missing credentials"));
    }

    private GatewayRequest authenticated(GatewayRequest request, Principal principal) {
        Exchange exchange = request.exchange();
        exchange.consumerId(principal.consumerId());
        exchange.consumerPlan(principal.plan());
        exchange.subject(principal.subject());
        exchange.claims(principal.claims());
        Headers headers = request.headers().copy();
        if (bearer) {
            headers.remove("Authorization");
        }
        if (apiKeyHeader != null) {
            headers.remove(apiKeyHeader);
        }
        if (principal.consumerId() != null) {
            headers.set("X-Consumer-Id", principal.consumerId());
        }
        if (principal.plan() != null) {
            headers.set("X-Consumer-Plan", principal.plan());
        }
        if (principal.subject() != null) {
            headers.set("X-Authenticated-Subject", principal.subject());
        }
        String query = apiKeyQuery == null ? request.query() : QueryParameters.without(request.query(), apiKeyQuery);
        return new GatewayRequest(exchange, request.method(), request.path(), query, headers, request.body());
    }

    private GatewayException refusal(Verdicts verdicts) {
        AuthResult worst = verdicts.worst;
        int status = worst == null ? 401 : worst.reason().status();
        Headers extra = new Headers(2);
        if (status == 503) {
            return new GatewayException(503, worst.description(), null, null);
        }
        if (status == 403) {
            extra.add("WWW-Authenticate", BEARER_CHALLENGE + ", error=\"insufficient_scope\", error_description=\""
                    + worst.description() + "\"");
            return new GatewayException(403, worst.description(), extra, null);
        }
        if (bearer) {
            AuthResult bad = verdicts.lastBearerRefusal;
            extra.add("WWW-Authenticate", bad == null ? BEARER_CHALLENGE
                    : BEARER_CHALLENGE + ", error=\"invalid_token\", error_description=\"" + bad.description() + "\"");
        }
        if (apiKeyChallenge != null) {
            extra.add("WWW-Authenticate", apiKeyChallenge);
        }
        return new GatewayException(401, worst == null ? "missing credentials" : worst.description(), extra, null);
    }

    /** The token of {@code Authorization: Bearer <token>}; null without such a header; "" for a bare "Bearer". */
    private static String bearerToken(Headers headers) {
        String value = single(headers, "Authorization");
        if (value == null || value.length() < 6 || !value.regionMatches(true, 0, "Bearer", 0, 6)) {
            return null;
        }
        if (value.length() == 6) {
            return "";
        }
        if (value.charAt(6) != ' ') {
            return null; // another scheme, e.g. "BearerX"
        }
        return value.substring(7).strip();
    }

    /** The one value of {@code name}, or null; 400 when the request carries it more than once. */
    private static String single(Headers headers, String name) {
        String found = null;
        for (int i = 0; i < headers.size(); i++) {
            if (headers.name(i).equalsIgnoreCase(name)) {
                if (found != null) {
                    throw new GatewayException(400, "more than one " + name + " header");
                }
                found = headers.value(i);
            }
        }
        return found;
    }

    /** RFC 6750's b64token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean b64token(String token) {
        int n = token.length();
        int i = 0;
        while (i < n) {
            char c = token.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
                i++;
            } else {
                break;
            }
        }
        if (i == 0) {
            return false;
        }
        while (i < n && token.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }

    @Override
    public String toString() {
        return name;
    }

    /** The refusals of one request, kept to pick the response. */
    private static final class Verdicts {
        AuthResult worst;
        AuthResult lastBearerRefusal;

        void add(AuthResult refusal, boolean bearer) {
            if (worst == null || rank(refusal) > rank(worst)) {
                worst = refusal;
            }
            if (bearer) {
                lastBearerRefusal = refusal;
            }
        }

        /** 503 (could not decide) over 403 (genuine but not allowed) over 401 (bad credential). */
        private static int rank(AuthResult r) {
            return switch (r.reason().status()) {
                case 503 -> 3;
                case 403 -> 2;
                default -> 1;
            };
        }
    }
}
