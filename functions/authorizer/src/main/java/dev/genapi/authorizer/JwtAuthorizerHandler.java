package dev.genapi.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.log.Log;
import dev.genapi.core.snapstart.SnapStartHooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * JwtAuthorizerFunction: API Gateway's Lambda REQUEST authorizer. A valid bearer token gets a policy that
 * allows the whole stage (API Gateway caches the answer per token and reuses it for every route) and a
 * context of {@code iss}, {@code sub} and {@code aud}, which the functions take as the caller. An invalid
 * token ends in the error "Unauthorized", which API Gateway answers with 401. The token is never logged.
 */
public final class JwtAuthorizerHandler implements RequestStreamHandler {

    /** The error message API Gateway turns into 401 Unauthorized. */
    static final class Unauthorized extends RuntimeException {
        Unauthorized() {
            super("Unauthorized", null, false, false);
        }
    }

    /** An unsigned token ({"alg":"none"}): refused before any key is fetched, which is what priming needs. */
    static final String UNSIGNED_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJwcmltaW5nIn0.";

    private final JwtValidator validator;
    private final SnapStartHooks snapStart;

    /** Lambda's entry point: the real dependencies, built once per container from the environment. */
    public JwtAuthorizerHandler() {
        this(Env.system());
    }

    /** The composition root; the local stack calls it with the environment template.yaml declares. */
    public JwtAuthorizerHandler(Env env) {
        this.validator = JwtValidator.from(env);
        // Priming: an event read and a token parsed and refused, without the network (no JWKS fetch).
        this.snapStart = SnapStartHooks.register(() -> {
            try {
                bearerToken(Json.MAPPER.readTree("{\"headers\": {\"Authorization\": \"Bearer " + UNSIGNED_TOKEN + "\"}}")
                        .path("headers"));
                validator.validate(UNSIGNED_TOKEN);
            } catch (JwtValidator.InvalidTokenException expected) {
                // refused, as it must be
            } catch (IOException | JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** SnapStart's hooks for this function (see {@link SnapStartHooks}); tests call them as Lambda would. */
    public SnapStartHooks snapStart() {
        return snapStart;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        String token = bearerToken(event.path("headers"));
        if (token == null) {
            throw new Unauthorized();
        }
        JWTClaimsSet claims;
        try {
            claims = validator.validate(token);
        } catch (JwtValidator.InvalidTokenException e) {
            Log.info("bearer token refused", "reason", e.getMessage());
            throw new Unauthorized();
        } catch (JOSEException e) {
            Log.warn("the issuer's keys could not be fetched; the token was not judged", e);
            throw new IllegalStateException("JWKS unavailable");
        }
        Json.MAPPER.writeValue(output, allow(event.path("methodArn").asText(""), claims));
    }

    /** The token of an {@code Authorization: Bearer <token>} header, in any letter case, or null. */
    static String bearerToken(JsonNode headers) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = headers.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> header = fields.next();
            if (header.getKey().equalsIgnoreCase("Authorization")) {
                String value = header.getValue().asText("").trim();
                if (value.toLowerCase(Locale.ROOT).startsWith("bearer ") && value.length() > 7) {
                    return value.substring(7).trim();
                }
            }
        }
        return null;
    }

    private ObjectNode allow(String methodArn, JWTClaimsSet claims) {
        ObjectNode response = Json.object().put("principalId", claims.getSubject());
        ObjectNode statement = response.putObject("policyDocument").put("Version", "2012-10-17")
                .putArray("Statement").addObject().put("Action", "execute-api:Invoke").put("Effect", "Allow");
        statement.put("Resource", wholeStage(methodArn));
        response.putObject("context").put("iss", claims.getIssuer()).put("sub", claims.getSubject())
                .put("aud", validator.audience());
        return response;
    }

    /** arn:aws:execute-api:region:account:api/stage/METHOD/path becomes .../api/stage/*&#47;*. */
    static String wholeStage(String methodArn) {
        String[] parts = methodArn.split("/");
        return parts.length >= 2 ? parts[0] + "/" + parts[1] + "/*/*" : methodArn;
    }
}
