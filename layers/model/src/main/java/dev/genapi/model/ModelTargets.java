package dev.genapi.model;

import dev.genapi.core.config.ConfigurationException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;

/**
 * One ChatModel over every provider a chain may call, chosen by the model's name: {@code openai:<model>} is
 * that model on the OpenAI-compatible endpoint, any other name Gemini's. The answer carries the target's
 * name as configured, so a fallback says which target served it and is priced at that target's price.
 */
final class ModelTargets implements ChatModel {

    static final String OPENAI_PREFIX = "openai:";

    private final ChatModel gemini;
    private final ChatModel openAi;

    /** @param openAi null when no target is on the OpenAI-compatible endpoint */
    ModelTargets(ChatModel gemini, ChatModel openAi) {
        this.gemini = gemini;
        this.openAi = openAi;
    }

    static boolean onOpenAi(String model) {
        return model != null && model.startsWith(OPENAI_PREFIX);
    }

    /** Whether any of the models is on the OpenAI-compatible endpoint. */
    static boolean anyOnOpenAi(List<String> models) {
        return models.stream().anyMatch(ModelTargets::onOpenAi);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        String target = request.parameters().modelName();
        if (!onOpenAi(target)) {
            return gemini.chat(request);
        }
        if (openAi == null) {
            throw new ConfigurationException(target + " is on the OpenAI-compatible endpoint, and OPENAI_BASE_URL is not set");
        }
        // OpenAI's API has no topK (LangChain4j refuses it): a fallback answers without it.
        ChatRequestParameters parameters = ChatRequestParameters.builder().overrideWith(request.parameters())
                .modelName(target.substring(OPENAI_PREFIX.length())).topK(null).build();
        ChatResponse response = openAi.chat(ChatRequest.builder().messages(request.messages()).parameters(parameters).build());
        return response.toBuilder().metadata(response.metadata().toBuilder().modelName(target).build()).build();
    }
}
