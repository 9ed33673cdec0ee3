package dev.genapi.local.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What API Gateway decides before a function runs, locally, as template.yaml configures the deployed API:
 * with JwtIssuer set, a valid bearer token ({@link LocalAuthorizer}); on every route, a valid API key
 * (x-api-key), refused with the template's 403 otherwise; then the key's usage plan, its throttle and quota
 * ({@link LocalUsagePlans}). A CORS preflight (OPTIONS, when CorsAllowedOrigins is set) needs neither key nor
 * token, as the deployed API's options methods do not.
 */
public final class LocalGateway {

    /** The gateway's verdict on one request. */
    public sealed interface Admission {
        /** Refused as the gateway answers itself; the function is not invoked. */
        record Refused(GatewayResponses.Refusal refusal) implements Admission {
        }

        /** Let through: what the event's {@code requestContext} says about the caller. */
        record Admitted(ObjectNode identity, ObjectNode authorizer) implements Admission {
        }
    }

    private final LocalApiKeys keys;
    private final LocalUsagePlans plans;
    private final Optional<LocalAuthorizer> authorizer;
    private final GatewayResponses responses;
    private final boolean cors;

    public LocalGateway(LocalApiKeys keys, LocalUsagePlans plans, Optional<LocalAuthorizer> authorizer,
                        GatewayResponses responses, boolean cors) {
        this.keys = keys;
        this.plans = plans;
        this.authorizer = authorizer;
        this.responses = responses;
        this.cors = cors;
    }

    /** One of the gateway's own answers, as the template declares it (e.g. INTEGRATION_TIMEOUT). */
    public GatewayResponses.Refusal refusal(String responseType, String errorMessage, Map<String, List<String>> headers) {
        return responses.refusal(responseType, errorMessage, headers);
    }

    public boolean cors() {
        return cors;
    }

    public Admission admit(String method, String path, Map<String, List<String>> headers, String sourceIp) {
        ObjectNode identity = Json.object().put("sourceIp", sourceIp);
        header(headers, "User-Agent").ifPresent(agent -> identity.put("userAgent", agent));
        if (cors && method.equals("OPTIONS")) {
            return new Admission.Admitted(identity, null);
        }
        ObjectNode authorizerContext = null;
        if (authorizer.isPresent()) {
            LocalAuthorizer.Verdict verdict = authorizer.get().authorize(headers, method, path);
            if (verdict instanceof LocalAuthorizer.Verdict.Refused refused) {
                return new Admission.Refused(responses.refusal(refused.responseType(), refused.errorMessage(), headers));
            }
            authorizerContext = ((LocalAuthorizer.Verdict.Allowed) verdict).authorizer();
        }
        Optional<LocalApiKeys.Key> key = header(headers, "x-api-key").flatMap(keys::byValue);
        if (key.isEmpty()) {
            return new Admission.Refused(responses.refusal("INVALID_API_KEY", "Forbidden", headers));
        }
        Optional<String> limited = plans.admit(key.get().id(), key.get().tier());
        if (limited.isPresent()) {
            return new Admission.Refused(responses.refusal(limited.get(), "Too Many Requests", headers));
        }
        identity.put("apiKey", key.get().value()).put("apiKeyId", key.get().id());
        return new Admission.Admitted(identity, authorizerContext);
    }

    static Optional<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue().get(h.getValue().size() - 1)).findFirst();
    }
}
