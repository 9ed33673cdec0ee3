package dev.genapi.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds proxy responses: JSON bodies, and problem+json for every error. Every response names its request. */
public final class ApiResponses {

    public static final String PROBLEM_JSON = "application/problem+json";

    private ApiResponses() {
    }

    public static APIGatewayProxyResponseEvent json(int status, JsonNode body, Map<String, String> headers,
                                                    String requestId) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Content-Type", "application/json");
        all.put("X-Request-Id", requestId);
        all.putAll(headers);
        return new APIGatewayProxyResponseEvent().withStatusCode(status).withHeaders(all).withBody(Json.write(body));
    }

    public static APIGatewayProxyResponseEvent problem(Problem problem, ApiRequest request) {
        ObjectNode body = Json.object()
                .put("type", problem.type())
                .put("title", problem.title())
                .put("status", problem.status())
                .put("detail", problem.detail())
                .put("instance", request.path())
                .put("requestId", request.requestId());
        if (!problem.errors().isEmpty()) {
            var errors = body.putArray("errors");
            problem.errors().forEach(e -> errors.addObject().put("field", e.field()).put("message", e.message()));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", PROBLEM_JSON);
        headers.put("X-Request-Id", request.requestId());
        if (problem.retryAfter() != null) {
            headers.put("Retry-After", Integer.toString(problem.retryAfter()));
        }
        if (problem.allow() != null) {
            headers.put("Allow", problem.allow());
        }
        return new APIGatewayProxyResponseEvent().withStatusCode(problem.status()).withHeaders(headers)
                .withBody(Json.write(body));
    }
}
