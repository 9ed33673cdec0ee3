package dev.genapi.core.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.usage.Money;
import java.math.BigDecimal;
import java.time.Instant;

/** The response shape of a generation, shared by /v1/generate and a job's result. */
public final class GenerationJson {

    private GenerationJson() {
    }

    /**
     * @param cached served from the cache: it cost nothing now, and {@code usage.savedUsd} says what it
     *               saved
     */
    public static ObjectNode of(Generation generation, boolean cached) {
        ObjectNode json = Json.object()
                .put("id", generation.id())
                .put("model", generation.model())
                .put("output", generation.output())
                .put("finishReason", generation.finishReason());
        ObjectNode usage = json.putObject("usage")
                .put("inputTokens", generation.usage().inputTokens())
                .put("outputTokens", generation.usage().outputTokens())
                .put("totalTokens", generation.usage().totalTokens())
                .put("costUsd", cached ? BigDecimal.ZERO : Money.usd(generation.usage().costNanoUsd()));
        if (cached) {
            usage.put("savedUsd", Money.usd(generation.usage().costNanoUsd()));
        }
        json.put("cached", cached).put("fallback", generation.fallback()).put("createdAt", generation.createdAt().toString());
        return json;
    }

    /** Reads back what {@link #of} wrote for an uncached generation. */
    public static Generation parse(JsonNode json) {
        JsonNode usage = json.path("usage");
        return new Generation(json.path("id").asText(), json.path("model").asText(), json.path("output").asText(),
                json.path("finishReason").asText(),
                new Usage(usage.path("inputTokens").asInt(), usage.path("outputTokens").asInt(),
                        usage.path("totalTokens").asInt(), Money.nanoUsd(new BigDecimal(usage.path("costUsd").asText("0")))),
                Instant.parse(json.path("createdAt").asText()), json.path("fallback").asBoolean(false));
    }
}
