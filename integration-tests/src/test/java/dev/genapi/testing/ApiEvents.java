package dev.genapi.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** REST API proxy events as API Gateway builds them, and helpers to read the responses. */
public final class ApiEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiEvents() {
    }

    /** A JSON POST from the caller with API key id {@code apiKeyId} (null: no API key). */
    public static ApiEvent post(String path, String body, String apiKeyId, String... headerPairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], headerPairs[i + 1]);
        }
        return request("POST", path, body, apiKeyId, headers);
    }

    public static ApiEvent request(String method, String path, String body, String apiKeyId,
                                   Map<String, String> headers) {
        ObjectNode event = JSON.createObjectNode().put("httpMethod", method).put("path", path).put("resource", path);
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(headerNode::put);
        if (body == null) {
            event.putNull("body");
        } else {
            event.put("body", body);
        }
        event.put("isBase64Encoded", false);
        ObjectNode context = event.putObject("requestContext").put("requestId", UUID.randomUUID().toString())
                .put("stage", "test").put("httpMethod", method);
        ObjectNode identity = context.putObject("identity").put("sourceIp", "127.0.0.1");
        if (apiKeyId != null) {
            identity.put("apiKey", "secret-value-of-" + apiKeyId).put("apiKeyId", apiKeyId);
        }
        return new ApiEvent(event);
    }

    public static JsonNode body(APIGatewayProxyResponseEvent response) {
        try {
            return JSON.readTree(response.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException("response body is not JSON: " + response.getBody(), e);
        }
    }

    public static String header(APIGatewayProxyResponseEvent response, String name) {
        return response.getHeaders().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }
}
