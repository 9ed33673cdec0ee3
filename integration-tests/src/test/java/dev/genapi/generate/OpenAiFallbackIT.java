package dev.genapi.generate;

import static dev.genapi.generate.GenerateModelFaultsIT.problem;
import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AsyncStack;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.FakeOpenAi;
import dev.genapi.testing.Repository;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A chain that ends on another provider, at the wire: gemini-2.5-flash, then llama3.1 on an OpenAI-compatible
 * endpoint (as Ollama, vLLM or Bedrock's speak it), through LangChain4j's real OpenAI client.
 */
@ExtendWith(AwsEmulators.class)
class OpenAiFallbackIT {

    static final String TARGET = "openai:llama3.1";

    static AwsBackend backend;
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static FakeOpenAi openAi;
    ApiFunction handler;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
        openAi = FakeOpenAi.start();
    }

    @AfterAll
    static void stop() {
        openAi.close();
    }

    /** The chain, the endpoint, its key, and the target's price (USD 0.05 / 0.10 per million tokens). */
    static Map<String, String> chainToOpenAi() {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("MODEL_CHAINS", "gemini-2.5-flash>" + TARGET);
        overrides.put("OPENAI_BASE_URL", openAi.baseUrl());
        overrides.put("OPENAI_API_KEY", "test-openai-key");
        overrides.put("MODEL_PRICING", Repository.template().parameter("ModelPricing") + "," + TARGET + "=0.05/0.10");
        return overrides;
    }

    @BeforeEach
    void reset() {
        gemini.reset();
        openAi.reset();
        handler = TestHandlers.generate(backend, gemini, Clock.systemUTC(), chainToOpenAi());
    }

    APIGatewayProxyResponseEvent generate(String extra) {
        return handler.handleRequest(post("/v1/generate", "{\"prompt\": \"to another provider " + UUID.randomUUID()
                + "\", \"model\": \"gemini-2.5-flash\"" + extra + "}", "openai-tests"), null);
    }

    @Test
    void aFailingGeminiIsAnsweredByTheOpenAiCompatibleTargetMarkedAndPricedAsIt() {
        gemini.then(FakeGemini.error(503, "UNAVAILABLE", "The model is overloaded."));
        var response = generate(", \"system\": \"Be brief.\", \"temperature\": 0.2, \"maxOutputTokens\": 50");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode answer = body(response);
        assertThat(answer.path("model").asText()).isEqualTo(TARGET);
        assertThat(answer.path("fallback").asBoolean()).isTrue();
        assertThat(answer.path("output").asText()).isEqualTo("Fake OpenAI answer");
        assertThat(header(response, "X-Fallback")).isEqualTo(TARGET);
        assertThat(answer.path("usage").path("inputTokens").asInt()).isEqualTo(9);
        assertThat(answer.path("usage").path("outputTokens").asInt()).isEqualTo(4);
        assertThat(answer.path("usage").path("costUsd").decimalValue()).as("9 × 0.05 + 4 × 0.10 per million")
                .isEqualByComparingTo("0.00000085");

        FakeOpenAi.Call call = openAi.calls().get(0);
        assertThat(call.path()).isEqualTo("/v1/chat/completions");
        assertThat(call.authorization()).isEqualTo("Bearer test-openai-key");
        assertThat(call.body().path("model").asText()).isEqualTo("llama3.1");
        assertThat(call.body().path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(call.body().path("messages").get(1).path("content").asText()).startsWith("to another provider");
        assertThat(call.body().path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void topKWhichOpenAiLacksIsLeftOutOfTheFallbacksCall() {
        gemini.then(FakeGemini.error(500, "INTERNAL", "down"));
        var response = generate(", \"topK\": 5");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(openAi.calls().get(0).body().has("top_k")).isFalse();
        assertThat(gemini.calls().get(0).body().path("generationConfig").path("topK").asInt()).isEqualTo(5);
    }

    @Test
    void theTargetsOwnRefusalsAreAnsweredAsAnyModelsAre() {
        gemini.then(FakeGemini.error(503, "UNAVAILABLE", "down"), FakeGemini.error(503, "UNAVAILABLE", "down"),
                FakeGemini.error(503, "UNAVAILABLE", "down"));
        openAi.then(FakeOpenAi.error(400, "bad request", Map.of()));
        problem(generate(""), 422, "model-rejected-request");

        openAi.then(new FakeOpenAi.Reply(200, Map.of("Content-Type", "application/json"),
                "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"llama3.1\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"unpriced\"},\"finish_reason\":\"stop\"}]}"));
        problem(generate(""), 502, "model-bad-response");

        // Last: a 429's Retry-After also opens the target's circuit for that long.
        openAi.then(FakeOpenAi.error(429, "slow down", Map.of("Retry-After", "7")));
        var limited = generate("");
        assertThat(limited.getStatusCode()).as(limited.getBody()).isEqualTo(429);
        assertThat(header(limited, "Retry-After")).isEqualTo("7");
        assertThat(openAi.calls()).hasSize(3);
    }

    @Test
    void aChainNamingAnOpenAiTargetWithoutAnEndpointFailsTheStart() {
        Map<String, String> overrides = chainToOpenAi();
        overrides.put("OPENAI_BASE_URL", "");
        assertThatThrownBy(() -> TestHandlers.generate(backend, gemini, Clock.systemUTC(), overrides))
                .hasMessageContaining("OPENAI_BASE_URL");
    }

    @Test
    void aJobFallsBackToTheOpenAiTargetAndSaysSo() {
        gemini.then(FakeGemini.error(503, "UNAVAILABLE", "down"));
        try (AsyncStack stack = new AsyncStack(backend, gemini, chainToOpenAi(), Map.of())) {
            var accepted = stack.post("/v1/jobs", "{\"prompt\": \"job to another provider " + UUID.randomUUID() + "\"}",
                    "openai-tests");
            String id = body(accepted).path("id").asText();
            JsonNode job = stack.awaitJobStatus(id, "openai-tests", "SUCCEEDED", Duration.ofSeconds(30));
            assertThat(job.path("result").path("model").asText()).isEqualTo(TARGET);
            assertThat(job.path("result").path("fallback").asBoolean()).isTrue();
        }
    }
}
