package dev.genapi.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.local.template.SamTemplate;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * The problems API Gateway answers itself, as template.yaml's GatewayResponses declare them: the local
 * gateway refuses requests with the same type, detail and Retry-After as the deployed one.
 */
public final class GatewayResponses {

    private final Map<String, Object> responses;

    @SuppressWarnings("unchecked")
    public GatewayResponses(SamTemplate template) {
        Object declared = template.properties("Api").get("GatewayResponses");
        this.responses = declared instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /**
     * @param responseType  e.g. {@code UNAUTHORIZED}, {@code THROTTLED}
     * @param errorMessage  what {@code $context.error.messageString} would hold
     * @param retryAfter    seconds, when the local gateway knows better than the template's fixed value
     */
    public Problem problem(String responseType, String errorMessage, Integer retryAfter) {
        Map<?, ?> response = (Map<?, ?>) responses.get(responseType);
        if (response == null) {
            throw new IllegalStateException("template.yaml's Api has no gateway response " + responseType);
        }
        Map<?, ?> templates = (Map<?, ?>) response.get("ResponseTemplates");
        String body = String.valueOf(templates.get("application/json"))
                .replace("$context.error.messageString", Json.MAPPER.getNodeFactory().textNode(errorMessage).toString())
                .replace("$context.requestId", "local");
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("gateway response " + responseType + " is not JSON: " + body, e);
        }
        String slug = json.path("type").asText().substring(ProblemType.TYPE_PREFIX.length());
        ProblemType type = Arrays.stream(ProblemType.values()).filter(t -> t.slug().equals(slug)).findFirst()
                .orElseThrow(() -> new IllegalStateException("gateway response " + responseType + " has type " + slug
                        + ", which the problem registry does not know"));
        Problem problem = Problem.of(type, json.path("detail").asText());
        Map<?, ?> headers = (Map<?, ?>) ((Map<?, ?>) response.get("ResponseParameters")).get("Headers");
        Object declaredRetry = headers.get("Retry-After");
        if (retryAfter != null) {
            return problem.withRetryAfter(retryAfter);
        }
        return declaredRetry == null ? problem
                : problem.withRetryAfter(Integer.parseInt(String.valueOf(declaredRetry).replace("'", "")));
    }
}
