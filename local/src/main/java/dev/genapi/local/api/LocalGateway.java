package dev.genapi.local.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What API Gateway decides before a function runs, locally: every route requires an API key (x-api-key), as
 * the deployed API does; a missing or unknown key is refused with the 403 problem the template's gateway
 * responses give.
 */
public final class LocalGateway {

    /** The gateway's verdict on one request. */
    public sealed interface Admission {
        /** Refused with this problem (and its headers); the function is not invoked. */
        record Refused(Problem problem) implements Admission {
        }

        /** Let through: what the event's {@code requestContext} says about the caller. */
        record Admitted(ObjectNode identity, ObjectNode authorizer) implements Admission {
        }
    }

    private final LocalApiKeys keys;

    public LocalGateway(LocalApiKeys keys) {
        this.keys = keys;
    }

    public Admission admit(Map<String, List<String>> headers, String sourceIp) {
        Optional<String> apiKey = header(headers, "x-api-key");
        Optional<LocalApiKeys.Key> key = apiKey.flatMap(keys::byValue);
        if (key.isEmpty()) {
            return new Admission.Refused(Problem.of(ProblemType.INVALID_API_KEY, apiKey.isEmpty()
                    ? "This API requires an API key: send it in the x-api-key header."
                    : "The API key in x-api-key is not valid."));
        }
        ObjectNode identity = Json.object().put("sourceIp", sourceIp).put("apiKey", key.get().value())
                .put("apiKeyId", key.get().id());
        header(headers, "User-Agent").ifPresent(agent -> identity.put("userAgent", agent));
        return new Admission.Admitted(identity, null);
    }

    static Optional<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue().get(h.getValue().size() - 1)).findFirst();
    }
}
