package dev.genapi.core.generation;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A validated generation request. Exactly one of {@code prompt} and {@code messages} is set; optional
 * generation parameters are null when the caller left them out (the model's own default applies).
 * {@code model}, {@code maxOutputTokens} and {@code responseFormat} are always resolved, so that leaving them
 * out and naming the default are the same request; a bounded output also bounds what a request can cost.
 */
public record GenerationRequest(
        String model,
        String system,
        String prompt,
        List<Message> messages,
        Double temperature,
        Double topP,
        Integer topK,
        int maxOutputTokens,
        List<String> stopSequences,
        ResponseFormat responseFormat,
        int cacheTtlSeconds) {

    public enum ResponseFormat {
        TEXT, JSON
    }

    public GenerationRequest {
        messages = messages == null ? null : List.copyOf(messages);
        stopSequences = stopSequences == null ? null : List.copyOf(stopSequences);
    }

    /** The conversation as the model sees it: the prompt is one user turn. */
    public List<Message> conversation() {
        return prompt != null ? List.of(new Message(Message.Role.USER, prompt)) : messages;
    }

    /** UTF-8 bytes of all its text: the system instruction and every turn. */
    public long textBytes() {
        long bytes = system == null ? 0 : system.getBytes(StandardCharsets.UTF_8).length;
        for (Message message : conversation()) {
            bytes += message.content().getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    /** The turns the model reads: the system instruction and each message. */
    public int turns() {
        return conversation().size() + (system == null ? 0 : 1);
    }
}
