package dev.genapi.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An OpenAI-compatible endpoint's 200 answers that cannot be billed or read, refused before LangChain4j
 * sees them: not JSON, no choices, no message, or no usage (without token counts the call cannot be
 * priced, and a caller's budget would be spent unaccounted).
 */
final class OpenAiAnswers {

    private OpenAiAnswers() {
    }

    static void requireReadable(JsonNode root) {
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty() || !choices.get(0).path("message").isObject()) {
            throw ModelFailureException.badResponse("it has no choices with a message");
        }
        JsonNode usage = root.path("usage");
        if (!usage.path("prompt_tokens").isIntegralNumber() || !usage.path("completion_tokens").isIntegralNumber()) {
            throw ModelFailureException.badResponse("it has no usage (prompt_tokens, completion_tokens)");
        }
    }
}
