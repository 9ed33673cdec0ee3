package dev.genapi.model;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Tracer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Builds the one ChatModel a container uses. Called from a composition root, never per request. */
public final class ChatModels {

    private ChatModels() {
    }

    /**
     * @param defaultModel the model used when a request names none (requests name theirs per call)
     * @param models       every model a request or a chain may call: those named {@code openai:<model>} need the
     *                     OpenAI-compatible endpoint
     * @param keys         asked only for the providers in use (the offline model needs none, and no SSM), and
     *                     at once, so that a missing key fails the start rather than the first request
     * @param tracer       makes each call to a provider an X-Ray subsegment
     * @param buildNow     build the clients now (for a SnapStart snapshot, which holds them primed), or on their
     *                     first call (a start on demand, whose first requests may all be cache hits)
     */
    public static ChatModel create(ModelConfig config, String defaultModel, List<String> models, ApiKeys keys,
                                   Tracer tracer, boolean buildNow) {
        if (config.provider() == ModelConfig.Provider.OFFLINE) {
            Log.info("the offline model is in use: answers are canned, and their model is labelled",
                    "modelPrefix", OfflineChatModel.MODEL_PREFIX, "latencyMs", config.offlineLatency().toMillis(),
                    "down", String.join(",", config.offlineDown()));
            return new OfflineChatModel(config.offlineLatency(), config.offlineDown());
        }
        String geminiKey = keys.gemini();
        Supplier<ChatModel> gemini = () -> GoogleAiGeminiChatModel.builder()
                .apiKey(geminiKey)
                .baseUrl(config.geminiBaseUrl())
                .modelName(defaultModel)
                .timeout(config.timeout())
                .maxRetries(config.maxRetries())
                .returnThinking(false) // otherwise "thought" parts are mixed into the answer's text
                .httpClientBuilder(new ModelHttpClient.Builder("Gemini", GeminiAnswers::requireReadable, tracer))
                .build();
        if (!ModelTarget.anyOn(ModelTarget.Provider.OPENAI, models)) {
            return buildNow ? gemini.get() : new LazyChatModel(gemini);
        }
        if (config.openAiBaseUrl().isEmpty()) {
            throw new ConfigurationException("models " + models + " include OpenAI-compatible targets ("
                    + ModelTarget.Provider.OPENAI.prefix + "<model>), but OPENAI_BASE_URL is not set");
        }
        String openAiKey = keys.openAi();
        Supplier<ChatModel> openAi = () -> OpenAiChatModel.builder()
                .apiKey(openAiKey)
                .baseUrl(config.openAiBaseUrl())
                .modelName(models.stream().map(ModelTarget::parse)
                        .filter(target -> target.provider() == ModelTarget.Provider.OPENAI).findFirst().orElseThrow().model())
                .timeout(config.timeout())
                .maxRetries(config.maxRetries())
                .httpClientBuilder(new ModelHttpClient.Builder("OpenAI", OpenAiAnswers::requireReadable, tracer))
                .build();
        // Each client is built on its first call unless the snapshot should hold it: a fallback target may never be.
        return new ModelTargets(buildNow ? gemini.get() : new LazyChatModel(gemini),
                buildNow ? openAi.get() : new LazyChatModel(openAi));
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
