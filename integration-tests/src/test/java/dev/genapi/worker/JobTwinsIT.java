package dev.genapi.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.cache.CacheKey;
import dev.genapi.core.cache.GenerationLeases;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.testing.AsyncStack;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Single-flight in the worker, on the emulators: identical queued jobs of one caller make one model call,
 * the others coming back by SQS redelivery for its answer; a twin that never finishes is waited for only
 * until the job's last two deliveries, which it keeps for itself.
 */
@ExtendWith(AwsEmulators.class)
class JobTwinsIT {

    static final Duration WAIT = Duration.ofSeconds(40);

    static AwsBackend backend;
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    AsyncStack stack;
    String caller;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
    }

    @BeforeEach
    void stack() {
        caller = "twins-" + UUID.randomUUID().toString().substring(0, 8);
        // Twins come back after 1 s, 2 s, 4 s (the template's 10 s, 20 s, 40 s, shortened).
        stack = new AsyncStack(backend, gemini, Map.of("TWIN_WAIT_SECONDS", "1", "RETRY_BASE_DELAY_SECONDS", "0"));
    }

    @AfterEach
    void stop() {
        stack.close();
        gemini.reset();
    }

    static String body(String prompt) {
        return "{\"prompt\": \"" + prompt + "\"}";
    }

    String submit(String prompt, String... headers) {
        APIGatewayProxyResponseEvent accepted = stack.post("/v1/jobs", body(prompt), caller, headers);
        assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(202);
        return dev.genapi.testing.ApiEvents.body(accepted).path("id").asText();
    }

    @Test
    void identicalJobsOfOneCallerMakeOneModelCallAndAllGetItsAnswer() {
        String prompt = "twins " + UUID.randomUUID();
        gemini.thenFor(prompt, FakeGemini.text("the twins' answer").after(Duration.ofMillis(2_500)));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submit(prompt));
        }
        List<JsonNode> jobs = ids.stream().map(id -> stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT)).toList();

        assertThat(gemini.callCount(prompt)).isEqualTo(1);
        assertThat(jobs).extracting(job -> job.path("result").path("output").asText()).containsOnly("the twins' answer");
        assertThat(jobs).extracting(job -> job.path("result").path("id").asText()).containsOnly(
                jobs.get(0).path("result").path("id").asText());
        assertThat(jobs).filteredOn(job -> job.path("result").path("cached").asBoolean()).hasSize(4);
        assertThat(jobs).as("a delivery that waited for its twin is not an attempt")
                .extracting(job -> job.path("attempts").asInt()).containsOnly(1);
    }

    @Test
    void aTwinThatNeverFinishesIsWaitedForOnlyUntilTheJobsLastTwoDeliveries() {
        String prompt = "stuck twin " + UUID.randomUUID();
        Env env = new Env(backend.environment("WorkerFunction", gemini));
        var request = new GenerationRequestParser(GenerationConfig.from(env)).parse(body(prompt));
        new GenerationLeases(backend.dynamoDb(), env.require("CACHE_TABLE"), Clock.systemUTC())
                .take(CacheKey.of(request, Caller.API_KEY_PREFIX + caller), "a-twin-that-hangs", Duration.ofMinutes(10));
        long start = System.nanoTime();
        String id = submit(prompt);
        JsonNode job = stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT);

        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        int maxReceiveCount = Integer.parseInt(backend.template().parameter("MaxReceiveCount"));
        assertThat(maxReceiveCount).isEqualTo(5);
        assertThat(tookMillis).as("waited 1 + 2 + 4 s on deliveries 1 to 3, then generated on the 4th")
                .isBetween(6_000L, 30_000L);
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
        assertThat(job.path("deadLettered").asBoolean()).isFalse();
        assertThat(gemini.callCount(prompt)).isEqualTo(1);
    }

    @Test
    void aJobNeverWaitsOnTheLeaseItsOwnCrashedAttemptHolds() {
        String prompt = "own lease " + UUID.randomUUID();
        String id = "job_" + UUID.randomUUID().toString().replace("-", "");
        Env env = new Env(backend.environment("WorkerFunction", gemini));
        var request = new GenerationRequestParser(GenerationConfig.from(env)).parse(body(prompt));
        new GenerationLeases(backend.dynamoDb(), env.require("CACHE_TABLE"), Clock.systemUTC())
                .take(CacheKey.of(request, Caller.API_KEY_PREFIX + caller), id, Duration.ofMinutes(10));
        long start = System.nanoTime();
        backend.sqs().sendMessage(r -> r.queueUrl(backend.queueUrl("JobsQueue")).messageBody("{\"jobId\": \"" + id
                + "\", \"caller\": \"" + Caller.API_KEY_PREFIX + caller + "\", \"request\": " + body(prompt) + "}"));
        stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT);
        assertThat((System.nanoTime() - start) / 1_000_000).as("no wait of 1 s or more on itself").isLessThan(3_000L);
        assertThat(gemini.callCount(prompt)).isEqualTo(1);
    }

    @Test
    void noCacheJobsDoNotWaitForEachOther() {
        String prompt = "no-cache twins " + UUID.randomUUID();
        gemini.thenFor(prompt, FakeGemini.text("first").after(Duration.ofMillis(1_500)), FakeGemini.text("second"));
        String first = submit(prompt, "Cache-Control", "no-cache");
        String second = submit(prompt, "Cache-Control", "no-cache");
        stack.awaitJobStatus(first, caller, "SUCCEEDED", WAIT);
        stack.awaitJobStatus(second, caller, "SUCCEEDED", WAIT);
        assertThat(gemini.callCount(prompt)).isEqualTo(2);
    }
}
