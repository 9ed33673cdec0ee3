package dev.genapi.model;

import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Tracer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import java.time.Duration;
import java.util.function.Supplier;

/** Builds the one ChatModel a container uses. Called from a composition root, never per request. */
public final class ChatModels {

    private ChatModels() {
    }

    /**
     * @param defaultModel the model used when a request names none (requests name theirs per call)
     * @param apiKey       asked only for Gemini, so the offline model needs no key and no SSM; asked at once, so
     *                     that a missing key fails the start rather than the first request
     * @param tracer       makes each call to Gemini an X-Ray subsegment
     * @param buildNow     build Gemini's client now (for a SnapStart snapshot, which holds it primed), or on its
     *                     first call (a start on demand, whose first requests may all be cache hits)
     */
    public static ChatModel create(ModelConfig config, String defaultModel, Supplier<String> apiKey, Tracer tracer,
                                   boolean buildNow) {
        if (config.provider() == ModelConfig.Provider.OFFLINE) {
            Log.info("the offline model is in use: answers are canned, and their model is labelled",
                    "modelPrefix", OfflineChatModel.MODEL_PREFIX, "latencyMs", config.offlineLatency().toMillis(),
                    "down", String.join(",", config.offlineDown()));
            return new OfflineChatModel(config.offlineLatency(), config.offlineDown());
        }
        String key = apiKey.get();
        Supplier<ChatModel> gemini = () -> GoogleAiGeminiChatModel.builder()
                .apiKey(key)
                .baseUrl(config.geminiBaseUrl())
                .modelName(defaultModel)
                .timeout(config.timeout())
                .maxRetries(config.maxRetries())
                .returnThinking(false) // otherwise "thought" parts are mixed into the answer's text
                .httpClientBuilder(new GeminiHttpClient.Builder(tracer))
                .build();
        return buildNow ? gemini.get() : new LazyChatModel(gemini);
    }

    /**
     * The same model client for SnapStart's priming: it builds and serialises a real request, and a canned
     * answer comes back without the network (no key, no SSM, no billed call). The offline model answers at once.
     */
    public static ChatModel forPriming(ModelConfig config, String defaultModel) {
        if (config.provider() == ModelConfig.Provider.OFFLINE) {
            return new OfflineChatModel(Duration.ZERO);
        }
        return GoogleAiGeminiChatModel.builder()
                .apiKey("priming")
                .baseUrl(config.geminiBaseUrl())
                .modelName(defaultModel)
                .maxRetries(0)
                .returnThinking(false)
                .httpClientBuilder(new PrimingHttpClient.Builder())
                .build();
    }
}
