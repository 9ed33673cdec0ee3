package dev.genapi.core.generation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;

/**
 * A request written back as a {@code /v1/generate} body, fields in one fixed order: what a job keeps and a
 * queue message carries, and, being canonical, what an Idempotency-Key's fingerprint is taken over.
 */
public final class GenerationRequestJson {

    private GenerationRequestJson() {
    }

    public static ObjectNode of(GenerationRequest request) {
        ObjectNode json = Json.object();
        json.put("model", request.model());
        if (request.system() != null) {
            json.put("system", request.system());
        }
        if (request.prompt() != null) {
            json.put("prompt", request.prompt());
        } else {
            ArrayNode messages = json.putArray("messages");
            request.messages().forEach(m -> messages.addObject().put("role", m.role().wireName()).put("content", m.content()));
        }
        if (request.temperature() != null) {
            json.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            json.put("topP", request.topP());
        }
        if (request.topK() != null) {
            json.put("topK", request.topK());
        }
        json.put("maxOutputTokens", request.maxOutputTokens());
        if (request.stopSequences() != null) {
            ArrayNode stops = json.putArray("stopSequences");
            request.stopSequences().forEach(stops::add);
        }
        json.put("responseFormat", request.responseFormat().name().toLowerCase(java.util.Locale.ROOT));
        json.put("cacheTtlSeconds", request.cacheTtlSeconds());
        return json;
    }
}
