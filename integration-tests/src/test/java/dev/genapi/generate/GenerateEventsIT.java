package dev.genapi.generate;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.testing.ApiEvent;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The sample events in events/, the ones {@code sam local invoke GenerateFunction -e ...} sends, loaded by
 * aws-lambda-java-tests into the handler with the template's environment.
 */
@ExtendWith(AwsEmulators.class)
class GenerateEventsIT {

    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static ApiFunction handler;

    @BeforeAll
    static void start(AwsBackend backend) {
        handler = TestHandlers.generate(backend, gemini, Clock.systemUTC(), java.util.Map.of());
    }


    @BeforeEach
    void reset() {
        gemini.reset();
    }

    @Test
    void promptEventIsGeneratedThenServedFromTheCache() {
        ApiEvent event = ApiEvent.fromFile("generate.json");
        APIGatewayProxyResponseEvent first = handler.handleRequest(event, null);
        APIGatewayProxyResponseEvent second = handler.handleRequest(event, null);

        assertThat(first.getStatusCode()).isEqualTo(200);
        assertThat(header(first, "Content-Type")).isEqualTo("application/json");
        JsonNode generation = body(first);
        assertThat(generation.path("id").asText()).startsWith("gen_");
        assertThat(generation.path("output").asText()).startsWith("Fake Gemini answer");
        assertThat(generation.path("usage").path("totalTokens").asInt()).isEqualTo(12);
        assertThat(header(second, "X-Cache")).isEqualTo("HIT");
        assertThat(gemini.callCount()).isEqualTo(1);
        assertThat(gemini.calls().get(0).body().at("/contents/0/parts/0/text").asText())
                .isEqualTo("Write a haiku about caching");
    }

    @Test
    void conversationEventSendsEveryParameterToTheModel() {
        ApiEvent event = ApiEvent.fromFile("generate-messages.json");
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode sent = gemini.calls().get(0).body();
        assertThat(gemini.calls().get(0).path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(gemini.calls().get(0).apiKey()).isEqualTo("test-key");
        assertThat(sent.at("/systemInstruction/parts/0/text").asText()).isEqualTo("You are a concise assistant.");
        assertThat(sent.path("contents")).hasSize(3);
        assertThat(sent.at("/contents/1/role").asText()).isEqualTo("model");
        JsonNode config = sent.path("generationConfig");
        assertThat(config.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(config.path("topP").asDouble()).isEqualTo(0.95);
        assertThat(config.path("topK").asInt()).isEqualTo(40);
        assertThat(config.path("maxOutputTokens").asInt()).isEqualTo(256);
        assertThat(config.path("stopSequences").get(0).asText()).isEqualTo("\n\n");
        assertThat(config.path("responseMimeType").asText()).isEqualTo("application/json");
    }

    @Test
    void base64BodyWithLowerAndUpperCaseHeadersIsRead() {
        ApiEvent event = ApiEvent.fromFile("generate-base64.json");
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(header(response, "X-Cache")).as("CACHE-CONTROL: no-cache was honoured").isEqualTo("MISS");
        assertThat(gemini.calls().get(0).body().at("/contents/0/parts/0/text").asText())
                .isEqualTo("Grüße aus dem Cache ☕");
    }

    @Test
    void invalidEventGetsAProblemListingEachField() {
        ApiEvent event = ApiEvent.fromFile("generate-invalid.json");
        APIGatewayProxyResponseEvent response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(header(response, "Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = body(response);
        assertThat(problem.path("requestId").asText()).isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
        assertThat(problem.path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("prompt", "temperature");
        assertThat(gemini.callCount()).isZero();
    }
}
