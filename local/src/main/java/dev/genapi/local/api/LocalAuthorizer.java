package dev.genapi.local.api;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API Gateway's JWT authorizer for the routes, locally: a Lambda REQUEST authorizer (the template's
 * JwtAuthorizerFunction) invoked with the event API Gateway sends it and its answers cached per token for the
 * declared TTL, or, for a Cognito issuer, the same token checks with the claims presented as Cognito's
 * authorizer presents them. A refusal names the gateway response (401, 403, 503) the deployed API gives.
 */
public final class LocalAuthorizer {

    /** The authorizer's verdict on one request. */
    public sealed interface Verdict {
        /** Refused as API Gateway's gateway response of this type answers. */
        record Refused(String responseType, String errorMessage) implements Verdict {
        }

        /** What the function sees in {@code requestContext.authorizer}. */
        record Allowed(ObjectNode authorizer) implements Verdict {
        }
    }

    private record Cached(ObjectNode authorizer, Instant until) {
    }

    private final RequestStreamHandler handler;
    private final int ttlSeconds;
    private final boolean cognitoClaims;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param cognitoClaims present the token's claims as {@code authorizer.claims}, as a Cognito user pool
     *                      authorizer does, rather than a Lambda authorizer's context
     */
    public LocalAuthorizer(RequestStreamHandler handler, int ttlSeconds, boolean cognitoClaims, Clock clock) {
        this.handler = handler;
        this.ttlSeconds = ttlSeconds;
        this.cognitoClaims = cognitoClaims;
        this.clock = clock;
    }

    public Verdict authorize(Map<String, List<String>> headers, String method, String path) {
        Optional<String> authorization = LocalGateway.header(headers, "Authorization").filter(v -> !v.isBlank());
        if (authorization.isEmpty()) {
            return new Verdict.Refused("UNAUTHORIZED", "Unauthorized");
        }
        Cached cached = cache.get(authorization.get());
        if (cached != null && clock.instant().isBefore(cached.until())) {
            return new Verdict.Allowed(cached.authorizer());
        }
        ObjectNode event = Json.object().put("type", "REQUEST")
                .put("methodArn", "arn:aws:execute-api:us-east-1:000000000000:local/local/" + method + path)
                .put("httpMethod", method).put("path", path);
        event.putObject("headers").put("Authorization", authorization.get());
        JsonNode answer;
        try {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(event)), output, null);
            answer = Json.MAPPER.readTree(output.toByteArray());
        } catch (RuntimeException | IOException e) {
            return "Unauthorized".equals(e.getMessage()) ? new Verdict.Refused("UNAUTHORIZED", "Unauthorized")
                    : new Verdict.Refused("AUTHORIZER_FAILURE", "Authorizer failed");
        }
        JsonNode statement = answer.path("policyDocument").path("Statement").path(0);
        if (!"Allow".equals(statement.path("Effect").asText())) {
            return new Verdict.Refused("ACCESS_DENIED", "User is not authorized to access this resource with an explicit deny");
        }
        ObjectNode authorizer = Json.object();
        if (cognitoClaims) {
            authorizer.set("claims", answer.path("context").deepCopy());
        } else {
            authorizer.put("principalId", answer.path("principalId").asText());
            answer.path("context").fields().forEachRemaining(field -> authorizer.put(field.getKey(), field.getValue().asText()));
        }
        cache.put(authorization.get(), new Cached(authorizer, clock.instant().plusSeconds(ttlSeconds)));
        return new Verdict.Allowed(authorizer);
    }
}
