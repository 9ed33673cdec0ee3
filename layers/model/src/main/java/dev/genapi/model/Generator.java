package dev.genapi.model;

import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.Message;
import dev.genapi.core.generation.Usage;
import dev.genapi.core.random.Entropy;
import dev.genapi.core.usage.Pricing;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Runs one request on the model. Every failure leaves as a classified {@link ModelFailureException}. */
public final class Generator {

    private final ChatModel model;
    private final Pricing pricing;
    private final Clock clock;

    public Generator(ChatModel model, Pricing pricing, Clock clock) {
        this.model = model;
        this.pricing = pricing;
        this.clock = clock;
    }

    public Generation generate(GenerationRequest request) {
        return generate(request, request.model());
    }

    /** The request on {@code model} (the one it names, or a fallback's), priced at that model's prices. */
    public Generation generate(GenerationRequest request, String model) {
        ChatResponse response;
        try {
            response = this.model.chat(toChatRequest(request, model));
        } catch (ModelFailureException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelFailureException(ModelFailure.classify(e), e);
        }
        String output = response.aiMessage() == null || response.aiMessage().text() == null
                ? "" : response.aiMessage().text();
        return new Generation(newId(), response.modelName() != null ? response.modelName() : model,
                output, finishReason(response), usage(model, response.tokenUsage()),
                clock.instant().truncatedTo(ChronoUnit.MILLIS)); // what the cache keeps, so hits read the same
    }

    static ChatRequest toChatRequest(GenerationRequest request, String model) {
        List<ChatMessage> messages = new ArrayList<>();
        if (request.system() != null) {
            messages.add(SystemMessage.from(request.system()));
        }
        for (Message message : request.conversation()) {
            messages.add(message.role() == Message.Role.USER
                    ? UserMessage.from(message.content()) : AiMessage.from(message.content()));
        }
        ChatRequestParameters parameters = ChatRequestParameters.builder()
                .modelName(model)
                .temperature(request.temperature())
                .topP(request.topP())
                .topK(request.topK())
                .maxOutputTokens(request.maxOutputTokens())
                .stopSequences(request.stopSequences())
                .responseFormat(request.responseFormat() == GenerationRequest.ResponseFormat.JSON
                        ? ResponseFormat.JSON : ResponseFormat.TEXT)
                .build();
        return ChatRequest.builder().messages(messages).parameters(parameters).build();
    }

    private static String finishReason(ChatResponse response) {
        if (response.finishReason() == null) {
            return "OTHER";
        }
        return switch (response.finishReason()) {
            case STOP -> "STOP";
            case LENGTH -> "LENGTH";
            case CONTENT_FILTER -> "CONTENT_FILTER";
            default -> "OTHER";
        };
    }

    private Usage usage(String model, TokenUsage usage) {
        int input = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        int output = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        int total = usage == null || usage.totalTokenCount() == null ? input + output : usage.totalTokenCount();
        return new Usage(input, output, total, pricing.nanoUsd(model, input, output, total));
    }

    /** 122 random bits (a v4 UUID) without dashes. */
    static String newId() {
        return "gen_" + Entropy.uuidHex();
    }
}
