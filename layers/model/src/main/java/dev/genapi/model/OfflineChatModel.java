package dev.genapi.model;

import dev.genapi.core.encoding.Digests;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The local stack's model when no Gemini key is given: no network, the same answer for the same request,
 * after a configurable delay so that a cache hit is visibly faster. Its answers say that they are offline,
 * and its model name starts with {@code offline/}. It honours maxOutputTokens (in words), stop sequences and
 * the JSON response format, so parameters change its output as they would a real model's. The models named
 * in {@code OFFLINE_MODEL_DOWN} fail as an overloaded provider would, so that a fallback chain can be seen.
 */
public final class OfflineChatModel implements ChatModel {

    public static final String MODEL_PREFIX = "offline/";

    private final Duration latency;
    private final Set<String> down;

    public OfflineChatModel(Duration latency) {
        this(latency, Set.of());
    }

    /** @param down models it plays as down (answering as a 503 would), to show a fallback chain locally */
    public OfflineChatModel(Duration latency, Set<String> down) {
        this.latency = latency;
        this.down = Set.copyOf(down);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        pause();
        var parameters = request.parameters();
        if (down.contains(parameters.modelName())) {
            throw new ModelFailureException(new ModelFailure(ModelFailure.Kind.UPSTREAM_ERROR,
                    "The offline model plays " + parameters.modelName() + " as down (OFFLINE_MODEL_DOWN).", null));
        }
        String lastUserText = lastUserText(request.messages());
        String fingerprint = Digests.sha256Hex(request.messages().toString() + parameters).substring(0, 12);
        String reply = "Offline model reply " + fingerprint + " to: " + abbreviate(lastUserText, 200);
        FinishReason finishReason = FinishReason.STOP;

        List<String> stops = parameters.stopSequences() == null ? List.of() : parameters.stopSequences();
        for (String stop : stops) {
            int at = reply.indexOf(stop);
            if (at >= 0) {
                reply = reply.substring(0, at);
            }
        }
        Integer maxTokens = parameters.maxOutputTokens();
        String[] words = reply.split(" ");
        if (maxTokens != null && words.length > maxTokens) {
            reply = String.join(" ", Arrays.copyOf(words, maxTokens));
            finishReason = FinishReason.LENGTH;
        }
        if (parameters.responseFormat() != null && parameters.responseFormat().type() == ResponseFormatType.JSON) {
            reply = "{\"offline\":true,\"reply\":\"" + reply.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        }
        int inputTokens = request.messages().stream().mapToInt(m -> wordCount(m.toString())).sum();
        int outputTokens = wordCount(reply);
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(reply))
                .finishReason(finishReason)
                .tokenUsage(new TokenUsage(inputTokens, outputTokens, inputTokens + outputTokens))
                .modelName(MODEL_PREFIX + parameters.modelName())
                .id("offline-" + fingerprint)
                .build();
    }

    /** Its latency, cut off at the call's deadline as a real model's HTTP client cuts it off. */
    private void pause() {
        Duration wait = CallDeadline.limit(latency);
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (wait.compareTo(latency) < 0) {
            throw new ModelFailureException(ModelFailure.timeout());
        }
    }

    private static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage user && user.hasSingleText()) {
                return user.singleText();
            }
        }
        return "";
    }

    private static String abbreviate(String text, int max) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
    }

    private static int wordCount(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
