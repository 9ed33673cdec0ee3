package dev.genapi.core.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import java.util.Locale;
import java.util.Optional;

/**
 * The webhook queue's message: deliver the callback of a finished job or batch, for one round (a job that a
 * redrive ends again is a new round). The document sent is read when it is delivered, so it is current.
 */
public record WebhookNotice(Kind kind, String id, int round) {

    public enum Kind {
        JOB, BATCH
    }

    public String toJson() {
        return Json.write(Json.object().put("kind", kind.name().toLowerCase(Locale.ROOT)).put("id", id)
                .put("round", round));
    }

    /** The id that stays the same for every attempt at one delivery: receivers use it to drop repeats. */
    public String deliveryId() {
        return id + "." + round;
    }

    /** Empty when the body is not a notice (it then goes to the dead-letter queue). */
    public static Optional<WebhookNotice> parse(String body) {
        try {
            JsonNode json = Json.parseStrict(body == null ? "" : body);
            Kind kind = switch (json.path("kind").asText()) {
                case "job" -> Kind.JOB;
                case "batch" -> Kind.BATCH;
                default -> null;
            };
            String id = json.path("id").asText("");
            int round = json.path("round").asInt(0);
            return kind == null || id.isEmpty() || round < 1 ? Optional.empty() : Optional.of(new WebhookNotice(kind, id, round));
        } catch (Json.MalformedJsonException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
