package dev.genapi.generate;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.local.aws.FreePort;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way the model can fail, scripted at the wire and met by the real LangChain4j client with the
 * template's settings (no retry: one 24 s call fits API Gateway's 29 s). Each gets a deliberate
 * problem+json answer and a deliberate number of model calls.
 */
@ExtendWith(AwsEmulators.class)
class GenerateModelFaultsIT {

    static AwsBackend backend;
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    ApiFunction handler;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
    }


    @BeforeEach
    void reset() {
        gemini.reset();
        handler = handler(Map.of());
    }

    ApiFunction handler(Map<String, String> overrides) {
        return TestHandlers.generate(backend, gemini, Clock.systemUTC(), overrides);
    }

    APIGatewayProxyResponseEvent generate() {
        return handler.handleRequest(post("/v1/generate", "{\"prompt\": \"hello " + UUID.randomUUID() + "\"}",
                "fault-tests"), null);
    }

    static JsonNode problem(APIGatewayProxyResponseEvent response, int status, String slug) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        assertThat(header(response, "Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = body(response);
        assertThat(problem.path("type").asText()).isEqualTo("urn:genapi:problem:" + slug);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("requestId").asText()).isNotBlank();
        assertThat(response.getBody()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("test-key");
        return problem;
    }

    @Test
    void rateLimitedAnswers429WithTheProvidersRetryAfterAndIsNotRetried() {
        gemini.then(FakeGemini.error(429, "RESOURCE_EXHAUSTED", "Quota exceeded").withHeader("Retry-After", "7"));
        var response = generate();
        problem(response, 429, "model-rate-limited");
        assertThat(header(response, "Retry-After")).isEqualTo("7");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void rateLimitedWithGooglesRetryInfoRoundsTheDelayUp() {
        gemini.then(FakeGemini.json(429, """
                {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED",
                 "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "13.2s"}]}}"""));
        var response = generate();
        problem(response, 429, "model-rate-limited");
        assertThat(header(response, "Retry-After")).isEqualTo("14");
    }

    @Test
    void rateLimitedWithoutAHintStillTellsTheCallerWhenToRetry() {
        gemini.then(FakeGemini.error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"));
        assertThat(header(generate(), "Retry-After")).isEqualTo("5");
    }

    @Test
    void aServerErrorAnswers502AtOnceWithRetryAfter() {
        gemini.then(FakeGemini.error(500, "INTERNAL", "boom"), FakeGemini.error(500, "INTERNAL", "boom"));
        var response = generate();
        problem(response, 502, "model-error");
        assertThat(header(response, "Retry-After")).isEqualTo("5");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void withARetryConfiguredAServerErrorFollowedBySuccessIsInvisibleToTheCaller() {
        handler = handler(Map.of("GEMINI_MAX_RETRIES", "1"));
        gemini.then(FakeGemini.error(503, "UNAVAILABLE", "overloaded"), FakeGemini.text("recovered"));
        var response = generate();
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body(response).path("output").asText()).isEqualTo("recovered");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void aSlowModelAnswers504PointingToTheAsyncApiAndIsNotRetried() {
        handler = handler(Map.of("GEMINI_TIMEOUT_SECONDS", "1"));
        gemini.then(FakeGemini.text("too late").after(Duration.ofSeconds(3)));
        long start = System.nanoTime();
        var response = generate();
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        JsonNode problem = problem(response, 504, "model-timeout");
        assertThat(problem.path("detail").asText()).contains("POST /v1/jobs");
        assertThat(elapsedMillis).isLessThan(2_500);
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void aBodyThatStallsAfterTheHeadersIsCutOffByTheDeadline() {
        handler = handler(Map.of("GEMINI_TIMEOUT_SECONDS", "1"));
        gemini.then(FakeGemini.text("x").after(Duration.ofMillis(1_500)));
        problem(generate(), 504, "model-timeout");
    }

    @Test
    void aRequestTheModelRejectsAnswers422WithItsReason() {
        gemini.then(FakeGemini.error(400, "INVALID_ARGUMENT", "Stop sequence is too long."));
        JsonNode problem = problem(generate(), 422, "model-rejected-request");
        assertThat(problem.path("detail").asText()).contains("Stop sequence is too long.");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void anInvalidApiKeyIsAMisconfigurationNotTheCallersFault() {
        gemini.then(FakeGemini.json(400, """
                {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                 "status": "INVALID_ARGUMENT", "details": [{"reason": "API_KEY_INVALID"}]}}"""));
        JsonNode problem = problem(generate(), 503, "model-misconfigured");
        assertThat(problem.path("detail").asText()).contains("API key");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404})
    void credentialsOrModelRefusedByTheProviderIsAMisconfiguration(int status) {
        gemini.then(FakeGemini.error(status, "DENIED", "no"));
        problem(generate(), 503, "model-misconfigured");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void anUnreachableModelAnswers503() {
        handler = handler(Map.of("GEMINI_BASE_URL", "http://127.0.0.1:" + FreePort.find() + "/v1beta"));
        var response = generate();
        problem(response, 503, "model-unreachable");
        assertThat(header(response, "Retry-After")).isEqualTo("5");
    }

    @Test
    void anUnknownFinishReasonIsSentToTheModelOnceNotThreeTimes() {
        gemini.then(FakeGemini.finished("odd", "SOMETHING_NEW"), FakeGemini.finished("odd", "SOMETHING_NEW"),
                FakeGemini.finished("odd", "SOMETHING_NEW"));
        JsonNode problem = problem(generate(), 502, "model-bad-response");
        assertThat(problem.path("detail").asText()).contains("SOMETHING_NEW");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void aBlockedPromptAnswers422InsteadOfCrashing() {
        gemini.then(FakeGemini.json(200, """
                {"promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []},
                 "usageMetadata": {"promptTokenCount": 4, "totalTokenCount": 4}}"""));
        JsonNode problem = problem(generate(), 422, "content-blocked");
        assertThat(problem.path("detail").asText()).contains("SAFETY");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void aResponseWithoutUsageIsRejectedOnce() {
        gemini.then(FakeGemini.json(200, """
                {"candidates": [{"content": {"parts": [{"text": "hi"}], "role": "model"}, "finishReason": "STOP"}]}"""));
        problem(generate(), 502, "model-bad-response");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNotJsonIsRejectedOnce() {
        gemini.then(FakeGemini.json(200, "<html>proxy error</html>"));
        problem(generate(), 502, "model-bad-response");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void aSafetyFinishIsAnAnswerWithContentFilterNotAnError() {
        gemini.then(FakeGemini.json(200, """
                {"candidates": [{"finishReason": "SAFETY", "index": 0}],
                 "usageMetadata": {"promptTokenCount": 4, "totalTokenCount": 4}}"""));
        var response = generate();
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body(response).path("finishReason").asText()).isEqualTo("CONTENT_FILTER");
        assertThat(body(response).path("output").asText()).isEmpty();
    }
}
