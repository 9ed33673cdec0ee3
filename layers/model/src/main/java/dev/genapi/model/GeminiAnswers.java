package dev.genapi.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Gemini's 200 answers that LangChain4j 1.19 mishandles, refused before it sees them: an unknown
 * {@code finishReason} (it fails to parse it and re-sends a billed generation up to 3 times), a blocked prompt
 * (no candidates) or no usage (it throws NPEs).
 */
final class GeminiAnswers {

    /** What LangChain4j 1.19 can parse: read from its own enum so an upgrade cannot leave this list stale. */
    static final Set<String> KNOWN_FINISH_REASONS = knownFinishReasons();

    private GeminiAnswers() {
    }

    /** Rejects, without a retry, a 200 that LangChain4j would crash on or re-send. */
    static void requireReadable(JsonNode root) {
        JsonNode candidates = root.path("candidates");
        if (!candidates.isArray() || candidates.isEmpty()) {
            JsonNode blockReason = root.path("promptFeedback").path("blockReason");
            if (blockReason.isTextual()) {
                throw new ModelFailureException(new ModelFailure(ModelFailure.Kind.BLOCKED,
                        "The model's safety filters blocked the prompt (" + blockReason.asText() + ").", null));
            }
            throw ModelFailureException.badResponse("it has no candidates");
        }
        JsonNode finishReason = candidates.get(0).path("finishReason");
        if (!finishReason.isTextual()) {
            throw ModelFailureException.badResponse("it has no finishReason");
        }
        if (!KNOWN_FINISH_REASONS.contains(finishReason.asText())) {
            throw ModelFailureException.badResponse("its finishReason '" + finishReason.asText() + "' is not one this service knows");
        }
        if (!root.path("usageMetadata").isObject()) {
            throw ModelFailureException.badResponse("it has no usageMetadata");
        }
    }

    private static Set<String> knownFinishReasons() {
        String name = "dev.langchain4j.model.googleai.GeminiGenerateContentResponse$GeminiCandidate$GeminiFinishReason";
        try {
            return Arrays.stream(Class.forName(name).getEnumConstants())
                    .map(constant -> ((Enum<?>) constant).name())
                    .collect(Collectors.toUnmodifiableSet());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("LangChain4j's Gemini finish reasons moved (" + name + "): "
                    + "check GeminiAnswers against the new version", e);
        }
    }
}
