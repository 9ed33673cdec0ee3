package dev.genapi.core.caller;

import java.util.Optional;

/**
 * Who is calling. The scope owns cache entries, jobs, batches, Idempotency-Keys and usage: the API key's id
 * ({@code apikey:<id>}), or with JWTs the token's issuer and subject ({@code jwt:<issuer>|<subject>}), so
 * each end user of a tenant is a caller of their own. Never an API key's secret value, never a token.
 *
 * @param apiKeyId the API Gateway API key the request came with, which names the caller's usage tier;
 *                 empty for a job a producer queued without one
 */
public record Caller(String scope, Optional<String> apiKeyId) {

    public static final String API_KEY_PREFIX = "apikey:";
    public static final String TOKEN_PREFIX = "jwt:";

    public static Caller ofApiKey(String apiKeyId) {
        return new Caller(API_KEY_PREFIX + apiKeyId, Optional.of(apiKeyId));
    }

    public static Caller ofToken(String issuer, String subject, String apiKeyId) {
        return new Caller(TOKEN_PREFIX + issuer + "|" + subject, Optional.ofNullable(apiKeyId));
    }

    /** A scope as a job or a producer's message records it; an {@code apikey:} scope names its key. */
    public static Caller ofScope(String scope, String apiKeyId) {
        if (apiKeyId == null && scope.startsWith(API_KEY_PREFIX)) {
            apiKeyId = scope.substring(API_KEY_PREFIX.length());
        }
        return new Caller(scope, Optional.ofNullable(apiKeyId));
    }
}
