package dev.genapi.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OfflineChatModelTest {

    final OfflineChatModel model = new OfflineChatModel(Duration.ZERO);

    ChatResponse chat(String prompt, ChatRequestParameters parameters) {
        return model.chat(ChatRequest.builder().messages(UserMessage.from(prompt)).parameters(parameters).build());
    }

    static dev.langchain4j.model.chat.request.DefaultChatRequestParameters.Builder<?> base() {
        return ChatRequestParameters.builder().modelName("gemini-2.5-flash");
    }

    @Test
    void theSameRequestGetsTheSameAnswerLabelledOffline() {
        ChatResponse one = chat("hello", base().build());
        ChatResponse two = chat("hello", base().build());
        assertThat(one.aiMessage().text()).isEqualTo(two.aiMessage().text()).startsWith("Offline model reply").contains("hello");
        assertThat(one.modelName()).isEqualTo("offline/gemini-2.5-flash");
        assertThat(one.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(one.tokenUsage().totalTokenCount()).isPositive();
    }

    @Test
    void parametersChangeTheAnswer() {
        assertThat(chat("hello", base().temperature(0.1).build()).aiMessage().text())
                .isNotEqualTo(chat("hello", base().temperature(0.2).build()).aiMessage().text());
        ChatResponse cut = chat("hello", base().maxOutputTokens(2).build());
        assertThat(cut.aiMessage().text().split(" ")).hasSize(2);
        assertThat(cut.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(chat("hello", base().stopSequences(java.util.List.of("reply")).build()).aiMessage().text())
                .isEqualTo("Offline model ");
        assertThat(chat("say \"hi\"", base().responseFormat(ResponseFormat.JSON).build()).aiMessage().text())
                .startsWith("{\"offline\":true,\"reply\":\"").endsWith("\"}").contains("\\\"hi\\\"");
    }
}
