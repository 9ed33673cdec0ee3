package dev.genapi.core.snapstart;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.http.ApiEndpoint;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

/**
 * What the functions' priming shares: requests only a snapshot makes, on paths that read at most and write
 * nothing, answered into the void by an endpoint whose records are discarded.
 */
public final class Priming {

    /** A job id no job has (ours are random): priming reads it, finds nothing, and answers 404. */
    public static final String ABSENT_JOB_ID = "job_" + "0".repeat(32);
    /** A batch id no batch has. */
    public static final String ABSENT_BATCH_ID = "batch_" + "0".repeat(32);
    /** A cache key no generation has (ours are digests). */
    public static final String ABSENT_CACHE_KEY = "priming#absent";
    /** The API key id priming's requests carry; API Gateway never issues it. */
    public static final String CALLER = "priming";

    private Priming() {
    }

    /** Serves one proxy event, built as API Gateway would send it, and drops the response. */
    public static void serve(ApiEndpoint endpoint, Function<ApiRequest, ApiResponse> route, String method,
                             String resource, Map<String, String> pathParameters, String body) {
        String path = resource;
        for (Map.Entry<String, String> parameter : pathParameters.entrySet()) {
            path = path.replace("{" + parameter.getKey() + "}", parameter.getValue());
        }
        ObjectNode event = Json.object().put("httpMethod", method).put("resource", resource).put("path", path)
                .put("body", body).put("isBase64Encoded", false);
        event.putObject("headers").put("Content-Type", "application/json");
        ObjectNode parameters = event.putObject("pathParameters");
        pathParameters.forEach(parameters::put);
        ObjectNode context = event.putObject("requestContext").put("requestId", "priming").put("path", path)
                .put("httpMethod", method).put("resourcePath", resource);
        context.putObject("identity").put("apiKeyId", CALLER);
        try {
            endpoint.serve(new ByteArrayInputStream(Json.write(event).getBytes(StandardCharsets.UTF_8)),
                    OutputStream.nullOutputStream(), null, route);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
