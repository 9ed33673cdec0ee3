package dev.genapi.model;

import dev.genapi.core.config.ConfigurationException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * One ChatModel over every provider a chain may call, chosen by the model's name: {@code openai:<model>} is
 * that model on the OpenAI-compatible endpoint, any other name Gemini's. The answer carries the target's
 * name as configured, so a fallback says which target served it and is priced at that target's price.
 */
final class ModelTargets implements ChatModel {

    private final ChatModel gemini;
    private final ChatModel openAi;

    /** @param openAi null when no target is on the OpenAI-compatible endpoint */
    ModelTargets(ChatModel gemini, ChatModel openAi) {
        this.gemini = gemini;
        this.openAi = openAi;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        ModelTarget target = ModelTarget.parse(request.parameters().modelName());
        return switch (target.provider()) {
            case GEMINI -> gemini.chat(request);
            case OPENAI -> onOpenAi(target, request);
        };
    }

    private ChatResponse onOpenAi(ModelTarget target, ChatRequest request) {
        if (openAi == null) {
            throw new ConfigurationException(target.name() + " is on the OpenAI-compatible endpoint, and OPENAI_BASE_URL is not set");
        }
        // OpenAI's API has no topK (LangChain4j refuses it): a fallback answers without it.
        ChatRequestParameters parameters = ChatRequestParameters.builder().overrideWith(request.parameters())
                .modelName(target.model()).topK(null).build();
        ChatResponse response = openAi.chat(ChatRequest.builder().messages(request.messages()).parameters(parameters).build());
        return response.toBuilder().metadata(response.metadata().toBuilder().modelName(target.name()).build()).build();
    }
}
