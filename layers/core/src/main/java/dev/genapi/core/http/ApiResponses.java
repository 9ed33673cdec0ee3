package dev.genapi.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.problem.Problem;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds proxy responses: JSON bodies, and problem+json for every error. Every response names its request. */
public final class ApiResponses {

    public static final String PROBLEM_JSON = "application/problem+json";

    private ApiResponses() {
    }

    public static ApiResponse json(int status, JsonNode body, Map<String, String> headers, String requestId) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Content-Type", "application/json");
        all.put("X-Request-Id", requestId);
        all.putAll(headers);
        return new ApiResponse(status, all, Json.write(body));
    }

    public static ApiResponse problem(Problem problem, ApiRequest request) {
        return problem(problem, request.path(), request.requestId());
    }

    /** The problem+json response; the local stack's gateway answers with it too. */
    public static ApiResponse problem(Problem problem, String instance, String requestId) {
        ObjectNode body = Json.object()
                .put("type", problem.type().uri())
                .put("title", problem.title())
                .put("status", problem.status())
                .put("detail", problem.detail())
                .put("instance", instance)
                .put("requestId", requestId);
        if (!problem.errors().isEmpty()) {
            var errors = body.putArray("errors");
            problem.errors().forEach(e -> errors.addObject().put("field", e.field()).put("message", e.message()));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", PROBLEM_JSON);
        headers.put("X-Request-Id", requestId);
        if (problem.retryAfter() != null) {
            headers.put("Retry-After", Integer.toString(problem.retryAfter()));
        }
        if (problem.allow() != null) {
            headers.put("Allow", problem.allow());
        }
        return new ApiResponse(problem.status(), headers, Json.write(body));
    }
}
