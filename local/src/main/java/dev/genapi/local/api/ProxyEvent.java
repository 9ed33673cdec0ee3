package dev.genapi.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST API (payload 1.0) proxy event a deployed API sends its function, built from one local HTTP
 * request: {@code headers} and {@code multiValueHeaders}, decoded path and query parameters, base64 for a
 * body that is not UTF-8, and a request context with the API key's id and what an authorizer established.
 */
final class ProxyEvent {

    /** A URL whose percent-encoding does not decode. */
    static final class MalformedUrlException extends Exception {
        MalformedUrlException(String message) {
            super(message, null, false, false);
        }
    }

    private ProxyEvent() {
    }

    /**
     * @param headers    header name to values, in arrival order
     * @param rawQuery   the query string as sent, or null
     * @param identity   what the gateway knows of the caller: sourceIp, apiKey, apiKeyId, ...
     * @param authorizer what an authorizer returned (principalId and context), or null
     */
    static ObjectNode build(String method, String path, String resource, Map<String, String> pathParameters,
                            Map<String, List<String>> headers, String rawQuery, byte[] body, String requestId,
                            ObjectNode identity, ObjectNode authorizer) throws MalformedUrlException {
        ObjectNode event = Json.object().put("resource", resource).put("path", path).put("httpMethod", method);
        ObjectNode single = event.putObject("headers");
        ObjectNode multi = event.putObject("multiValueHeaders");
        headers.forEach((name, values) -> {
            single.put(name, values.get(values.size() - 1));
            values.forEach(multi.putArray(name)::add);
        });
        Map<String, List<String>> query = query(rawQuery);
        if (query.isEmpty()) {
            event.putNull("queryStringParameters").putNull("multiValueQueryStringParameters");
        } else {
            ObjectNode lastValues = event.putObject("queryStringParameters");
            ObjectNode allValues = event.putObject("multiValueQueryStringParameters");
            query.forEach((name, values) -> {
                lastValues.put(name, values.get(values.size() - 1));
                values.forEach(allValues.putArray(name)::add);
            });
        }
        if (pathParameters.isEmpty()) {
            event.putNull("pathParameters");
        } else {
            ObjectNode parameters = event.putObject("pathParameters");
            pathParameters.forEach(parameters::put);
        }
        event.putNull("stageVariables");
        ObjectNode context = event.putObject("requestContext")
                .put("resourcePath", resource).put("httpMethod", method).put("path", path)
                .put("accountId", "000000000000").put("stage", "local").put("requestId", requestId)
                .put("requestTimeEpoch", Instant.now().toEpochMilli());
        context.set("identity", identity);
        if (authorizer != null) {
            context.set("authorizer", authorizer);
        }
        if (body.length == 0) {
            event.putNull("body").put("isBase64Encoded", false);
        } else {
            String text = utf8OrNull(body);
            event.put("body", text != null ? text : Base64.getEncoder().encodeToString(body))
                    .put("isBase64Encoded", text == null);
        }
        return event;
    }

    /** A query string's parameters, each name with its values in order ({@code +} is a space). */
    static Map<String, List<String>> query(String rawQuery) throws MalformedUrlException {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] nameValue = pair.split("=", 2);
            String name = decode(nameValue[0].replace('+', ' '));
            String value = nameValue.length == 2 ? decode(nameValue[1].replace('+', ' ')) : "";
            query.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return query;
    }

    /** Strict percent-decoding to UTF-8: a bad escape or invalid UTF-8 is an error, never guessed at. */
    static String decode(String text) throws MalformedUrlException {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (low < 0) {
                throw new MalformedUrlException("'" + text.substring(i, Math.min(text.length(), i + 3))
                        + "' is not a valid percent-encoding");
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        String decoded = utf8OrNull(bytes.toByteArray());
        if (decoded == null) {
            throw new MalformedUrlException("the percent-encoded bytes are not UTF-8");
        }
        return decoded;
    }

    private static String utf8OrNull(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The function's answer as HTTP: status, headers (single and multi-valued) and the decoded body. */
    record Answer(int status, Map<String, List<String>> headers, byte[] body) {

        static Answer of(JsonNode response) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
            response.path("multiValueHeaders").fields().forEachRemaining(h -> {
                List<String> values = new ArrayList<>();
                h.getValue().forEach(v -> values.add(v.asText()));
                headers.put(h.getKey(), values);
            });
            JsonNode body = response.path("body");
            byte[] bytes = !body.isTextual() ? new byte[0]
                    : response.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(body.asText())
                    : body.asText().getBytes(StandardCharsets.UTF_8);
            return new Answer(response.path("statusCode").asInt(200), headers, bytes);
        }
    }
}
