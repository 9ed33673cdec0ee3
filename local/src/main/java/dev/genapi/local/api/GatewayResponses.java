package dev.genapi.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.local.template.SamTemplate;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers API Gateway gives itself, as template.yaml's GatewayResponses declare them (resolved for this
 * stack's parameters): the local gateway refuses requests with the same problem type, detail, Retry-After
 * and CORS headers as the deployed one.
 */
public final class GatewayResponses {

    /** A refusal of the gateway's: its problem, and the other headers the response type declares. */
    public record Refusal(Problem problem, Map<String, String> headers) {
    }

    private final Map<String, Object> responses;

    @SuppressWarnings("unchecked")
    public GatewayResponses(SamTemplate template) {
        Object declared = template.properties("Api").get("GatewayResponses");
        this.responses = declared instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /**
     * @param responseType   e.g. {@code UNAUTHORIZED}, {@code THROTTLED}
     * @param errorMessage   what {@code $context.error.messageString} would hold
     * @param requestHeaders the request's, for headers mapped from {@code method.request.header.*}
     */
    public Refusal refusal(String responseType, String errorMessage, Map<String, List<String>> requestHeaders) {
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
        Map<String, String> headers = new LinkedHashMap<>();
        Map<?, ?> declared = (Map<?, ?>) ((Map<?, ?>) response.get("ResponseParameters")).get("Headers");
        for (var entry : declared.entrySet()) {
            String header = String.valueOf(entry.getKey());
            String mapping = String.valueOf(entry.getValue());
            String resolved = mapping.startsWith("'") ? mapping.substring(1, mapping.length() - 1)
                    : mapping.startsWith("method.request.header.")
                    ? LocalGateway.header(requestHeaders, mapping.substring("method.request.header.".length())).orElse(null)
                    : null;
            if (header.equalsIgnoreCase("Retry-After") && resolved != null) {
                problem = problem.withRetryAfter(Integer.parseInt(resolved));
            } else if (!header.equalsIgnoreCase("Content-Type") && resolved != null) {
                headers.put(header, resolved);
            }
        }
        return new Refusal(problem, headers);
    }
}
