package dev.genapi.core.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** A Lambda proxy integration response, written as the JSON API Gateway expects from the function. */
public record ApiResponse(int statusCode, Map<String, String> headers, String body) {

    public ApiResponse {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object().put("statusCode", statusCode);
        ObjectNode headerJson = json.putObject("headers");
        headers.forEach(headerJson::put);
        json.put("body", body).put("isBase64Encoded", false);
        return json;
    }

    public void write(OutputStream output) throws IOException {
        Json.MAPPER.writeValue(output, toJson());
    }

    /** The same response with more headers (later ones win). */
    public ApiResponse withHeaders(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(more);
        return new ApiResponse(statusCode, all, body);
    }
}
