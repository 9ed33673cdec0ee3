package dev.genapi.model;

import dev.genapi.core.config.Once;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.function.Supplier;

/**
 * A model client built on its first call rather than at start-up: a container started on demand (no SnapStart
 * snapshot) that only serves cache hits and status never loads the Gemini client, its JDK HTTP client and TLS.
 */
final class LazyChatModel implements ChatModel {

    private final Once<ChatModel> model;

    LazyChatModel(Supplier<ChatModel> build) {
        this.model = Once.of(build);
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return model().chat(request);
    }

    ChatModel model() {
        return model.get();
    }
}
