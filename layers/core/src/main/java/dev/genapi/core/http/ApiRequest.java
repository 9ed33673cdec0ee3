package dev.genapi.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A REST API (payload 1.0) proxy event as the handlers need it: headers looked up in any letter case, the
 * body decoded from base64 when API Gateway encoded it, and the caller taken from the request context.
 */
public final class ApiRequest {

    private final APIGatewayProxyRequestEvent event;

    public ApiRequest(APIGatewayProxyRequestEvent event) {
        this.event = event;
    }

    public String method() {
        return event.getHttpMethod() == null ? "" : event.getHttpMethod().toUpperCase(Locale.ROOT);
    }

    public String path() {
        return event.getPath() == null ? "" : event.getPath();
    }

    /** The route as the template declares it, e.g. {@code /v1/jobs/{id}}. */
    public String resource() {
        return event.getResource() != null ? event.getResource() : path();
    }

    /**
     * A path of this API as the caller reaches it: behind a stage ({@code /dev}) or a custom domain's base
     * path, prefixed the way this request's own URL was.
     */
    public String url(String apiPath) {
        var context = event.getRequestContext();
        String seen = context == null ? null : context.getPath();
        String prefix = seen != null && seen.endsWith(path()) ? seen.substring(0, seen.length() - path().length()) : "";
        return prefix + apiPath;
    }

    public String requestId() {
        var context = event.getRequestContext();
        return context == null || context.getRequestId() == null ? "unknown" : context.getRequestId();
    }

    /** A header's value, whatever its letter case, from {@code headers} or else {@code multiValueHeaders}. */
    public Optional<String> header(String name) {
        Optional<String> single = find(event.getHeaders(), name);
        if (single.isPresent()) {
            return single;
        }
        Map<String, List<String>> multi = event.getMultiValueHeaders();
        if (multi != null) {
            for (var entry : multi.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name) && entry.getValue() != null && !entry.getValue().isEmpty()) {
                    return Optional.ofNullable(String.join(",", entry.getValue()));
                }
            }
        }
        return Optional.empty();
    }

    public Optional<String> pathParameter(String name) {
        return event.getPathParameters() == null ? Optional.empty()
                : Optional.ofNullable(event.getPathParameters().get(name));
    }

    public Optional<String> queryParameter(String name) {
        return event.getQueryStringParameters() == null ? Optional.empty()
                : Optional.ofNullable(event.getQueryStringParameters().get(name));
    }

    /**
     * Who is calling, as API Gateway established it: a Lambda or Cognito authorizer's principal, else the
     * API key (by digest). Empty when the API did not authenticate the caller.
     */
    public Optional<String> caller() {
        var context = event.getRequestContext();
        if (context == null) {
            return Optional.empty();
        }
        Map<String, Object> authorizer = context.getAuthorizer();
        if (authorizer != null) {
            if (authorizer.get("principalId") instanceof String principal && !principal.isBlank()) {
                return Optional.of("principal:" + principal);
            }
            if (authorizer.get("claims") instanceof Map<?, ?> claims && claims.get("sub") instanceof String sub
                    && !sub.isBlank()) {
                return Optional.of("principal:" + sub);
            }
        }
        var identity = context.getIdentity();
        if (identity != null && identity.getApiKey() != null && !identity.getApiKey().isBlank()) {
            // The event class has no apiKeyId; a digest of the key identifies the caller without keeping the key.
            return Optional.of("apikey:" + Digests.sha256Hex(identity.getApiKey()));
        }
        return Optional.empty();
    }

    /**
     * The body as UTF-8 text, checked to be JSON by media type and bounded in size.
     *
     * @throws ProblemException 415 for another media type, 413 when larger than {@code maxBytes}, 400 when
     *                          empty or not valid base64 / UTF-8
     */
    public String jsonBody(int maxBytes) {
        requireJsonMediaType();
        byte[] bytes = rawBody();
        if (bytes.length > maxBytes) {
            throw Problems.contentTooLarge("The request body is " + bytes.length + " bytes; the limit is "
                    + maxBytes + " bytes.").toException();
        }
        if (bytes.length == 0) {
            throw Problems.badRequest("malformed-json", "Malformed JSON",
                    "The request body is empty; send a JSON object.").toException();
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw Problems.badRequest("malformed-json", "Malformed JSON",
                    "The request body is not valid UTF-8.").toException();
        }
    }

    private byte[] rawBody() {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (Boolean.TRUE.equals(event.getIsBase64Encoded())) {
            try {
                return Base64.getMimeDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw Problems.badRequest("malformed-body", "Malformed body",
                        "The request was marked base64-encoded but is not valid base64.").toException();
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
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
            throw Problems.unsupportedMediaType("Content-Type '" + mediaType
                    + "' is not supported; send application/json.").toException();
        }
        for (int i = 1; i < parts.length; i++) {
            String[] parameter = parts[i].trim().split("=", 2);
            if (parameter.length == 2 && parameter[0].trim().equalsIgnoreCase("charset")) {
                String charset = parameter[1].trim().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw Problems.unsupportedMediaType("charset '" + charset
                            + "' is not supported; send UTF-8.").toException();
                }
            }
        }
    }

    private static Optional<String> find(Map<String, String> headers, String name) {
        if (headers == null) {
            return Optional.empty();
        }
        for (var entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name)) {
                return Optional.ofNullable(entry.getValue());
            }
        }
        return Optional.empty();
    }
}
