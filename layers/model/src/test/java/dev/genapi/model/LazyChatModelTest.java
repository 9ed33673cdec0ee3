package dev.genapi.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyChatModelTest {

    final AtomicInteger builds = new AtomicInteger();
    final ChatModel answering = new ChatModel() {
        @Override
        public ChatResponse chat(ChatRequest request) {
            return ChatResponse.builder().aiMessage(AiMessage.from("answer")).build();
        }
    };
    final LazyChatModel lazy = new LazyChatModel(() -> {
        builds.incrementAndGet();
        return answering;
    });

    static ChatRequest request() {
        return ChatRequest.builder().messages(UserMessage.from("question")).build();
    }

    @Test
    void theClientIsBuiltOnTheFirstCallNotBefore() {
        assertThat(builds).hasValue(0);
        assertThat(lazy.chat(request()).aiMessage().text()).isEqualTo("answer");
        lazy.chat(request());
        assertThat(builds).hasValue(1);
    }

    @Test
    void concurrentFirstCallsBuildItOnce() throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lazy.chat(request());
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(builds).hasValue(1);
    }
}
