package dev.genapi.generate;

import static dev.genapi.generate.GenerateModelFaultsIT.problem;
import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AsyncStack;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fallback chain and its circuits at the wire: the real LangChain4j client against the Gemini fake, a
 * chain gemini-2.5-flash > gemini-2.5-flash-lite, circuits that open after 2 failures for 2 s.
 */
@ExtendWith(AwsEmulators.class)
class FallbackIT {

    static final String PRIMARY = "gemini-2.5-flash";
    static final String FALLBACK = "gemini-2.5-flash-lite";

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
        handler = TestHandlers.generate(backend, gemini, Clock.systemUTC(), Map.of(
                "MODEL_CHAINS", PRIMARY + ">" + FALLBACK, "CIRCUIT_FAILURES", "2", "CIRCUIT_COOLDOWN_SECONDS", "2"));
    }

    APIGatewayProxyResponseEvent generate(String prompt) {
        return handler.handleRequest(post("/v1/generate", "{\"prompt\": \"" + prompt + "\", \"model\": \"" + PRIMARY + "\"}",
                "fallback-tests"), null);
    }

    static String fresh() {
        return "fallback " + UUID.randomUUID();
    }

    List<String> calledModels() {
        return gemini.calls().stream().map(call -> call.path().replaceAll(".*/models/([^:]+):.*", "$1")).toList();
    }

    @Test
    void aFailingPrimaryIsAnsweredByTheFallbackMarkedAsSuch() {
        gemini.then(FakeGemini.error(503, "UNAVAILABLE", "The model is overloaded."));
        long start = System.nanoTime();
        var response = generate(fresh());
        long took = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JsonNode answer = body(response);
        assertThat(answer.path("model").asText()).isEqualTo(FALLBACK);
        assertThat(answer.path("fallback").asBoolean()).isTrue();
        assertThat(header(response, "X-Fallback")).isEqualTo(FALLBACK);
        assertThat(calledModels()).containsExactly(PRIMARY, FALLBACK);
        assertThat(took).as("inside the 26 s budget, and API Gateway's 29 s").isLessThan(26_000);
    }

    @Test
    void aHealthyPrimaryAnswersItselfUnmarked() {
        var response = generate(fresh());
        assertThat(body(response).path("model").asText()).isEqualTo(PRIMARY);
        assertThat(body(response).path("fallback").asBoolean()).isFalse();
        assertThat(header(response, "X-Fallback")).isNull();
        assertThat(calledModels()).containsExactly(PRIMARY);
    }

    @Test
    void aRequestThePrimaryRejectsIsNotSentToTheFallback() {
        gemini.then(FakeGemini.error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."));
        problem(generate(fresh()), 422, "model-rejected-request");
        assertThat(calledModels()).containsExactly(PRIMARY);
    }

    @Test
    void aFallbackAnswerIsNeverServedLaterFromTheCacheAsThePrimarys() {
        String prompt = fresh();
        gemini.then(FakeGemini.error(500, "INTERNAL", "Internal error."));
        assertThat(body(generate(prompt)).path("model").asText()).isEqualTo(FALLBACK);

        var again = generate(prompt);
        assertThat(header(again, "X-Cache")).as("the fallback's answer was not stored").isEqualTo("MISS");
        assertThat(body(again).path("model").asText()).isEqualTo(PRIMARY);
        assertThat(body(again).path("fallback").asBoolean()).isFalse();

        var third = generate(prompt);
        assertThat(header(third, "X-Cache")).isEqualTo("HIT");
        assertThat(body(third).path("model").asText()).isEqualTo(PRIMARY);
        assertThat(calledModels()).containsExactly(PRIMARY, FALLBACK, PRIMARY);
    }

    @Test
    void aPrimaryThatKeepsFailingIsSkippedAtOnceUntilAProbeFindsItWell() throws Exception {
        Duration slowFailure = Duration.ofMillis(1_500);
        gemini.then(FakeGemini.error(503, "UNAVAILABLE", "Overloaded.").after(slowFailure));
        generate(fresh()); // primary fails slowly, the fallback answers
        gemini.then(FakeGemini.error(503, "UNAVAILABLE", "Overloaded.").after(slowFailure));
        generate(fresh()); // the second failure opens the primary's circuit
        assertThat(calledModels()).containsExactly(PRIMARY, FALLBACK, PRIMARY, FALLBACK);

        long start = System.nanoTime();
        var skipped = generate(fresh());
        long took = (System.nanoTime() - start) / 1_000_000;
        assertThat(body(skipped).path("model").asText()).isEqualTo(FALLBACK);
        assertThat(calledModels()).as("the primary was not called").hasSize(5).last().isEqualTo(FALLBACK);
        assertThat(took).as("no wait for the failing primary").isLessThan(slowFailure.toMillis());

        Thread.sleep(2_100); // the cool-down: the next request probes the primary, which is well again
        var probe = generate(fresh());
        assertThat(body(probe).path("model").asText()).isEqualTo(PRIMARY);
        var after = generate(fresh());
        assertThat(body(after).path("model").asText()).as("the circuit closed").isEqualTo(PRIMARY);
        assertThat(calledModels()).hasSize(7).endsWith(PRIMARY, PRIMARY);
    }

    @Test
    void aJobIsAnsweredByTheFallbackAndItsResultSaysWhichModelAnswered() {
        // The queue is shared with other classes' leftovers: this job's calls are told apart by its prompt.
        String prompt = fresh();
        try (AsyncStack stack = new AsyncStack(backend, gemini, Map.of("MODEL_CHAINS", PRIMARY + ">" + FALLBACK), Map.of())) {
            gemini.thenFor(prompt, FakeGemini.error(429, "RESOURCE_EXHAUSTED", "Quota exceeded."));
            var submitted = stack.post("/v1/jobs", "{\"prompt\": \"" + prompt + "\", \"model\": \"" + PRIMARY + "\"}",
                    "fallback-jobs");
            assertThat(submitted.getStatusCode()).as(submitted.getBody()).isEqualTo(202);
            JsonNode job = stack.awaitJobStatus(body(submitted).path("id").asText(), "fallback-jobs", "SUCCEEDED",
                    Duration.ofSeconds(30));
            assertThat(job.path("result").path("model").asText()).isEqualTo(FALLBACK);
            assertThat(job.path("result").path("fallback").asBoolean()).isTrue();
            assertThat(gemini.calls().stream().filter(call -> call.body().toString().contains(prompt))
                    .map(call -> call.path().replaceAll(".*/models/([^:]+):.*", "$1"))).containsExactly(PRIMARY, FALLBACK);
        }
    }

    @Test
    void whenEveryCircuitIsOpenTheAnswerIs503WithRetryAfterAndNoCall() {
        for (int i = 0; i < 2; i++) {
            gemini.then(FakeGemini.error(503, "UNAVAILABLE", "Overloaded."), FakeGemini.error(503, "UNAVAILABLE", "Overloaded."));
            problem(generate(fresh()), 502, "model-error");
        }
        int calls = gemini.callCount();
        var response = generate(fresh());
        JsonNode problem = problem(response, 503, "model-unavailable");
        assertThat(problem.path("detail").asText()).contains("circuit");
        assertThat(Integer.parseInt(header(response, "Retry-After"))).isBetween(1, 3);
        assertThat(gemini.callCount()).isEqualTo(calls);
    }
}
