package dev.genapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A REST API (payload 1.0) proxy event as JSON, the bytes Lambda hands an API function: built by a test, or
 * read from an {@code events/*.json} file as {@code sam local invoke -e} sends it.
 */
public final class ApiEvent {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode json;

    ApiEvent(ObjectNode json) {
        this.json = json;
    }

    /** An event file of the repository's events/ folder, e.g. {@code "generate.json"}. */
    public static ApiEvent fromFile(String name) {
        Path file = Repository.root().resolve("events").resolve(name);
        try {
            return new ApiEvent((ObjectNode) JSON.readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ObjectNode json() {
        return json;
    }

    public ApiEvent withResource(String resource) {
        json.put("resource", resource);
        return this;
    }

    public ApiEvent withPathParameters(Map<String, String> parameters) {
        ObjectNode node = json.putObject("pathParameters");
        parameters.forEach(node::put);
        return this;
    }

    public ApiEvent withQueryStringParameters(Map<String, String> parameters) {
        if (parameters == null) {
            json.putNull("queryStringParameters");
            return this;
        }
        ObjectNode node = json.putObject("queryStringParameters");
        parameters.forEach(node::put);
        return this;
    }

    public ApiEvent withHeader(String name, String value) {
        ((ObjectNode) json.with("headers")).put(name, value);
        return this;
    }

    /** The request context's identity: who API Gateway says is calling. */
    public ObjectNode identity() {
        return (ObjectNode) json.with("requestContext").with("identity");
    }

    /** What an authorizer returned, as the function sees it in {@code requestContext.authorizer}. */
    public ApiEvent withAuthorizer(JsonNode authorizer) {
        ((ObjectNode) json.with("requestContext")).set("authorizer", authorizer);
        return this;
    }

    public String path() {
        return json.path("path").asText();
    }
}
