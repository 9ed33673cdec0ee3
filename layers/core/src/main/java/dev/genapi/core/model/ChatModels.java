package dev.genapi.core.model;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import java.util.function.Supplier;

/** Builds the one ChatModel a container uses. Called from a composition root, never per request. */
public final class ChatModels {

    private ChatModels() {
    }

    /**
     * @param defaultModel the model used when a request names none (requests name theirs per call)
     * @param apiKey       asked only for Gemini, so the offline model needs no key and no SSM
     */
    public static ChatModel create(ModelConfig config, String defaultModel, Supplier<String> apiKey) {
        if (config.provider() == ModelConfig.Provider.OFFLINE) {
            System.out.println("genapi: OFFLINE model in use (no Gemini key): answers are canned and labelled "
                    + OfflineChatModel.MODEL_PREFIX + "<model>, after " + config.offlineLatency().toMillis() + " ms.");
            return new OfflineChatModel(config.offlineLatency());
        }
        return GoogleAiGeminiChatModel.builder()
                .apiKey(apiKey.get())
                .baseUrl(config.geminiBaseUrl())
                .modelName(defaultModel)
                .timeout(config.timeout())
                .maxRetries(config.maxRetries())
                .returnThinking(false) // otherwise "thought" parts are mixed into the answer's text
                .httpClientBuilder(new GeminiHttpClient.Builder())
                .build();
    }
}
