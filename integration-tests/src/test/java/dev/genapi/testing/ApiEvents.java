package dev.genapi.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** A JSON POST from the caller with API key {@code apiKey} (null: an unidentified caller). */
    public static APIGatewayProxyRequestEvent post(String path, String body, String apiKey, String... headerPairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], headerPairs[i + 1]);
        }
        return request("POST", path, body, apiKey, headers);
    }

    public static APIGatewayProxyRequestEvent request(String method, String path, String body, String apiKey,
                                                      Map<String, String> headers) {
        var identity = new APIGatewayProxyRequestEvent.RequestIdentity().withSourceIp("127.0.0.1");
        if (apiKey != null) {
            identity.withApiKey(apiKey);
        }
        return new APIGatewayProxyRequestEvent()
                .withHttpMethod(method)
                .withPath(path)
                .withResource(path)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withRequestId(UUID.randomUUID().toString())
                        .withStage("test")
                        .withHttpMethod(method)
                        .withIdentity(identity));
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
