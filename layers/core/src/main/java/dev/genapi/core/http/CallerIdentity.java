package dev.genapi.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;

/**
 * Who a request comes from, as API Gateway established it: the API key's id, and with JWTs configured
 * ({@code JWT_ISSUER}) the token's issuer and subject, from a Lambda authorizer's context or a Cognito
 * authorizer's claims. The one place that reads identity from an event. It fails closed: a request the
 * gateway let through without the identity the deployment requires is refused, never served anonymously.
 */
public final class CallerIdentity {

    private final String issuer;
    private final String audience;

    /**
     * @param issuer   the JWT issuer every caller must present, or null when JWTs are not used
     * @param audience the audience the token must be for (with an issuer)
     */
    public CallerIdentity(String issuer, String audience) {
        this.issuer = issuer;
        this.audience = audience;
    }

    /**
     * From JWT_ISSUER and JWT_AUDIENCE (names as in template.yaml); no issuer turns JWTs off. An issuer
     * without an audience is a start-up error: a token for any app of the issuer would pass.
     */
    public static CallerIdentity from(Env env) {
        String issuer = env.get("JWT_ISSUER", null);
        if (issuer != null && !env.isSet("JWT_AUDIENCE")) {
            throw new ConfigurationException("JWT_ISSUER is set but JWT_AUDIENCE is not (template parameter JwtAudience)");
        }
        return new CallerIdentity(issuer, env.get("JWT_AUDIENCE", null));
    }

    /**
     * @throws dev.genapi.core.problem.ProblemException 403 without an API key id, 401 without a token
     *         identity (or with one for another issuer or audience) when JWTs are required
     */
    public Caller of(ApiRequest request) {
        Caller caller = identify(request);
        request.observation().set("caller", caller.scope());
        return caller;
    }

    private Caller identify(ApiRequest request) {
        String apiKeyId = request.apiKeyId().orElseThrow(() -> Problem.of(ProblemType.INVALID_API_KEY,
                "This API requires an API key: send it in the x-api-key header.").toException());
        if (issuer == null) {
            return Caller.ofApiKey(apiKeyId);
        }
        JsonNode authorizer = request.authorizer();
        JsonNode claims = authorizer.path("claims").isObject() ? authorizer.path("claims") : authorizer;
        String tokenIssuer = claims.path("iss").asText("");
        String subject = claims.path("sub").asText("");
        if (subject.isEmpty() || !tokenIssuer.equals(issuer)) {
            throw Problem.of(ProblemType.UNAUTHORIZED,
                    "This API requires a bearer token from " + issuer + " in the Authorization header.").toException();
        }
        if (audience != null && !audience.equals(claims.path("aud").asText(""))
                && !audience.equals(claims.path("client_id").asText(""))) {
            throw Problem.of(ProblemType.INVALID_TOKEN, "The bearer token is not for this API (audience).").toException();
        }
        return Caller.ofToken(tokenIssuer, subject, apiKeyId);
    }
}
