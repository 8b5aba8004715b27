/**
 * Authentication: the link that checks a route's {@code auth: [...]} providers (JWT, API key,
 * OAuth2 token introspection), maps the caller to a consumer and passes the identity upstream.
 *
 * <p>Lifetimes: {@link dev.gateway.node.auth.AuthCompiler} lives as long as the node (HTTP client,
 * metrics); each config version compiles into one {@link dev.gateway.node.auth.AuthRuntime}
 * (verifiers, JWKS caches, introspection caches, consumer directory), closed with that version.
 * Per-request state lives on the request's {@link dev.gateway.node.http.Exchange}.
 *
 * <p>Statuses: no usable credential or a bad one is 401 with {@code WWW-Authenticate}; a valid
 * token that lacks a required claim is 403; an introspection endpoint that is down or slow, or JWKS
 * keys that could never be loaded, is 503. Tokens and API keys are never logged.
 */
package dev.gateway.node.auth;
