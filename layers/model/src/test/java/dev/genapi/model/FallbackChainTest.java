package dev.genapi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.core.config.Env;
import dev.genapi.core.generation.Deadline;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.observe.Invocation;
import dev.genapi.core.observe.Observation;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.usage.ModelPrice;
import dev.genapi.core.usage.Pricing;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a chain may have been billed, row by row: each attempt that timed out or answered something unusable
 * counts at its model's most; one refused, rate limited or unreachable counts nothing; an answer adds its own
 * cost; and what a request reserves covers every path down the chain.
 */
class FallbackChainTest {

    static final Clock CLOCK = Clock.systemUTC();
    static final Pricing PRICING = new Pricing(List.of(
            new ModelPrice("big", new BigDecimal("1"), new BigDecimal("10")),
            new ModelPrice("small", new BigDecimal("0.1"), new BigDecimal("1"))));

    /** Per model: throw this failure, or (null) answer 10 tokens in and 20 out. */
    final Map<String, ModelFailure> failing = new HashMap<>();
    final List<String> called = new ArrayList<>();
    final ChatModel model = new ChatModel() {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            String name = request.parameters().modelName();
            called.add(name);
            if (failing.containsKey(name)) {
                throw new ModelFailureException(failing.get(name));
            }
            return ChatResponse.builder().aiMessage(AiMessage.from("answer")).modelName(name)
                    .tokenUsage(new TokenUsage(10, 20, 30)).build();
        }
    };
    final FallbackChain chain = new FallbackChain(new Generator(model, PRICING, CLOCK),
            new ModelChains(Map.of("big", List.of("big", "small"))),
            new CircuitBreakers(new CircuitBreaker.Settings(100, Duration.ofMinutes(1), Duration.ofSeconds(30)), CLOCK),
            PRICING, CLOCK);
    final GenerationRequest request = new GenerationRequestParser(GenerationConfig.from(new Env(Map.of(
            "DEFAULT_MODEL", "big", "ALLOWED_MODELS", "big,small"))))
            .parse("{\"prompt\": \"0123456789\", \"maxOutputTokens\": 100}");

    static Observation observation() {
        return Telemetry.discarding(CLOCK).begin("test", Invocation.of(null));
    }

    long most(String model) {
        return PRICING.maxNanoUsd(model, request.textBytes(), request.turns(), request.maxOutputTokens());
    }

    long answerCost(String model) {
        return PRICING.nanoUsd(model, 10, 20, 30);
    }

    long billedWhenItFails() {
        try {
            chain.generate(request, observation(), Deadline.in(Duration.ofSeconds(10)));
        } catch (ModelFailureException e) {
            return e.possiblyBilledNanoUsd().orElseThrow();
        }
        throw new AssertionError("the chain answered");
    }

    static ModelFailure of(ModelFailure.Kind kind) {
        return new ModelFailure(kind, kind.name(), null);
    }

    @Test
    void aRequestReservesEveryTargetOfItsChain() {
        assertThat(chain.maxCost(request)).isEqualTo(most("big") + most("small"));
    }

    @Test
    void theFirstTargetsAnswerCostsItsOwnTokens() {
        Generation answer = chain.generate(request, observation(), Deadline.in(Duration.ofSeconds(10)));
        assertThat(answer.usage().costNanoUsd()).isEqualTo(answerCost("big"));
        assertThat(called).containsExactly("big");
    }

    @Test
    void aFallbackAfterATimeOutCostsItsAnswerPlusTheTimedOutCallAtItsMost() {
        failing.put("big", ModelFailure.timeout());
        Generation answer = chain.generate(request, observation(), Deadline.in(Duration.ofSeconds(10)));
        assertThat(answer.fallback()).isTrue();
        assertThat(answer.usage().costNanoUsd()).isEqualTo(most("big") + answerCost("small"))
                .isLessThanOrEqualTo(chain.maxCost(request));
    }

    @Test
    void aFallbackAfterAnUnbilledFailureCostsItsAnswerAlone() {
        failing.put("big", of(ModelFailure.Kind.UPSTREAM_ERROR));
        assertThat(chain.generate(request, observation(), Deadline.in(Duration.ofSeconds(10))).usage().costNanoUsd())
                .isEqualTo(answerCost("small"));
    }

    @Test
    void everyAttemptTimedOutCountsEachAtItsMost() {
        failing.put("big", ModelFailure.timeout());
        failing.put("small", ModelFailure.timeout());
        assertThat(billedWhenItFails()).isEqualTo(most("big") + most("small")).isEqualTo(chain.maxCost(request));
    }

    @Test
    void aTimeOutThenAnUnbilledFailureCountsTheTimeOut() {
        failing.put("big", ModelFailure.timeout());
        failing.put("small", of(ModelFailure.Kind.RATE_LIMITED));
        assertThat(billedWhenItFails()).isEqualTo(most("big"));
    }

    @Test
    void unbilledFailuresAllTheWayCountNothing() {
        failing.put("big", of(ModelFailure.Kind.UNREACHABLE));
        failing.put("small", of(ModelFailure.Kind.UPSTREAM_ERROR));
        assertThat(billedWhenItFails()).isZero();
    }

    @Test
    void aPermanentFailureThatMayHaveBeenBilledEndsTheChainCountingItself() {
        failing.put("big", of(ModelFailure.Kind.BAD_RESPONSE));
        assertThat(billedWhenItFails()).isEqualTo(most("big"));
        assertThat(called).containsExactly("big");
    }

    @Test
    void aRefusedRequestEndsTheChainCountingNothing() {
        failing.put("big", of(ModelFailure.Kind.REJECTED));
        assertThat(billedWhenItFails()).isZero();
        assertThat(called).containsExactly("big");
    }

    @Test
    void noTimeLeftMakesNoCallAndCountsNothing() {
        assertThatThrownBy(() -> chain.generate(request, observation(), Deadline.in(Duration.ofMillis(500))))
                .isInstanceOfSatisfying(ModelFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(ModelFailure.Kind.TIMEOUT);
                    assertThat(e.possiblyBilledNanoUsd()).hasValue(0);
                });
        assertThat(called).isEmpty();
    }

    @Test
    void aFallbackIsNotTriedWithLessThanASecondLeft() {
        ChatModel slowFailure = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest chatRequest) {
                called.add(chatRequest.parameters().modelName());
                try {
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new ModelFailureException(of(ModelFailure.Kind.UPSTREAM_ERROR));
            }
        };
        FallbackChain slow = new FallbackChain(new Generator(slowFailure, PRICING, CLOCK),
                new ModelChains(Map.of("big", List.of("big", "small"))),
                new CircuitBreakers(new CircuitBreaker.Settings(100, Duration.ofMinutes(1), Duration.ofSeconds(30)), CLOCK),
                PRICING, CLOCK);
        assertThatThrownBy(() -> slow.generate(request, observation(), Deadline.in(Duration.ofMillis(1_500))))
                .isInstanceOf(ModelFailureException.class);
        assertThat(called).containsExactly("big");
    }
}
