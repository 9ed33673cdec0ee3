package dev.genapi.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.observe.Observation;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A REST API (payload 1.0) proxy event, read as JSON with the project's own Jackson rather than through
 * aws-lambda-java-events, whose classes lack fields the API needs ({@code requestContext.identity.apiKeyId})
 * and cost start-up time. Headers are looked up in any letter case; the body is decoded from base64 when API
 * Gateway encoded it.
 */
public final class ApiRequest {

    private final JsonNode event;
    private final Observation observation;

    /** @param observation what this request records as it is served */
    public ApiRequest(JsonNode event, Observation observation) {
        this.event = event == null || !event.isObject() ? Json.object() : event;
        this.observation = observation;
    }

    public ApiRequest(JsonNode event) {
        this(event, Observation.discarded());
    }

    /** Reads the event Lambda hands a stream handler. */
    public static ApiRequest read(InputStream input, Observation observation) throws IOException {
        return new ApiRequest(Json.MAPPER.readTree(input), observation);
    }

    /** What this request records (see {@code observe.Telemetry}). */
    public Observation observation() {
        return observation;
    }

    public String method() {
        return text(event, "httpMethod").map(m -> m.toUpperCase(Locale.ROOT)).orElse("");
    }

    public String path() {
        return text(event, "path").orElse("");
    }

    /** The route as the template declares it, e.g. {@code /v1/jobs/{id}}. */
    public String resource() {
        return text(event, "resource").orElse(path());
    }

    /**
     * A path of this API as the caller reaches it: behind a stage ({@code /dev}) or a custom domain's base
     * path, prefixed the way this request's own URL was.
     */
    public String url(String apiPath) {
        String seen = text(context(), "path").orElse(null);
        String prefix = seen != null && seen.endsWith(path()) ? seen.substring(0, seen.length() - path().length()) : "";
        return prefix + apiPath;
    }

    public String requestId() {
        return text(context(), "requestId").orElse("unknown");
    }

    /** The id of the API key API Gateway checked for this request (never the key itself). */
    public Optional<String> apiKeyId() {
        return text(context().path("identity"), "apiKeyId").filter(id -> !id.isBlank());
    }

    /** What an authorizer established: a Lambda authorizer's context, or a Cognito authorizer's claims. */
    public JsonNode authorizer() {
        return context().path("authorizer");
    }

    /** A header's value, whatever its letter case, from {@code headers} or else {@code multiValueHeaders}. */
    public Optional<String> header(String name) {
        JsonNode single = find(event.path("headers"), name);
        if (single != null && single.isTextual()) {
            return Optional.of(single.asText());
        }
        JsonNode multi = find(event.path("multiValueHeaders"), name);
        if (multi != null && multi.isArray() && !multi.isEmpty()) {
            StringBuilder joined = new StringBuilder();
            multi.forEach(value -> joined.append(joined.length() == 0 ? "" : ",").append(value.asText()));
            return Optional.of(joined.toString());
        }
        return Optional.empty();
    }

    public Optional<String> pathParameter(String name) {
        return text(event.path("pathParameters"), name);
    }

    public Optional<String> queryParameter(String name) {
        return text(event.path("queryStringParameters"), name);
    }

    /**
     * The body as UTF-8 text, checked to be JSON by media type and bounded in size.
     *
     * @throws dev.genapi.core.problem.ProblemException 415 for another media type, 413 when larger than
     *         {@code maxBytes}, 400 when empty or not valid base64 / UTF-8
     */
    public String jsonBody(int maxBytes) {
        requireJsonMediaType();
        byte[] bytes = rawBody();
        if (bytes.length > maxBytes) {
            throw Problem.of(ProblemType.CONTENT_TOO_LARGE, "The request body is " + bytes.length
                    + " bytes; the limit is " + maxBytes + " bytes.").toException();
        }
        if (bytes.length == 0) {
            throw Problem.of(ProblemType.MALFORMED_JSON, "The request body is empty; send a JSON object.").toException();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw Problem.of(ProblemType.MALFORMED_JSON, "The request body is not valid UTF-8.").toException();
        }
    }

    private byte[] rawBody() {
        JsonNode body = event.path("body");
        if (!body.isTextual()) {
            return new byte[0];
        }
        if (event.path("isBase64Encoded").asBoolean(false)) {
            try {
                return Base64.getMimeDecoder().decode(body.asText());
            } catch (IllegalArgumentException e) {
                throw Problem.of(ProblemType.MALFORMED_BODY,
                        "The request was marked base64-encoded but is not valid base64.").toException();
            }
        }
        return body.asText().getBytes(StandardCharsets.UTF_8);
    }

    /** No Content-Type is taken as JSON; anything but application/json or a +json type is a 415. */
    private void requireJsonMediaType() {
        Optional<String> contentType = header("Content-Type");
        if (contentType.isEmpty() || contentType.get().isBlank()) {
            return;
        }
        String[] parts = contentType.get().split(";");
        String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
        boolean json = mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
        if (!json) {
            throw Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Content-Type '" + mediaType
                    + "' is not supported; send application/json.").toException();
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].trim().split("=", 2);
            if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")) {
                String charset = parameter[1].trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "charset '" + charset
                            + "' is not supported; send UTF-8.").toException();
                }
            }
        }
    }

    private JsonNode context() {
        return event.path("requestContext");
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** The field named {@code name} in any letter case, or null. */
    private static JsonNode find(JsonNode object, String name) {
        if (!object.isObject()) {
            return null;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }
}
