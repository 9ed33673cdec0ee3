package dev.genapi.usage;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.config.Env;
import dev.genapi.generate.GenerateHandler;
import dev.genapi.status.StatusHandler;
import dev.genapi.testing.ApiEvents;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AsyncStack;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cost and budgets end to end through the functions, on the DynamoDB emulator and the real LangChain4j client:
 * every answer's cost comes from the template's pricing, GET /v1/usage adds up, and no burst of requests can
 * spend past a caller's limit.
 */
@ExtendWith(AwsEmulators.class)
class BudgetsIT {

    /** gemini-2.5-flash's default price: $0.30 in, $2.50 out per million tokens. */
    static final BigDecimal FAKE_ANSWER_COST = new BigDecimal("0.0000146"); // 7 in, 5 out

    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static AwsBackend backend;
    static ApiFunction generate;
    static ApiFunction status;
    String apiKeyId;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
        generate = new ApiFunction(new GenerateHandler(new Env(backend.environment("GenerateFunction", gemini))));
        status = new ApiFunction(new StatusHandler(new Env(backend.environment("StatusFunction", Map.of()))));
    }

    @BeforeEach
    void newCaller() {
        gemini.reset();
        apiKeyId = "budget" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    APIGatewayProxyResponseEvent send(String path, String body) {
        return generate.handleRequest(post(path, body, apiKeyId), null);
    }

    JsonNode usage() {
        var event = ApiEvents.request("GET", "/v1/usage", null, apiKeyId, new LinkedHashMap<>());
        var response = status.handleRequest(event, null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return body(response);
    }

    /** What an operator's per-caller limit is (scripts/set-budget writes this item). */
    void setDailyLimit(String usd) {
        backend.dynamoDb().putItem(r -> r.tableName(backend.tableName("UsageTable")).item(Map.of(
                "pk", AttributeValue.fromS("limits#apikey:" + apiKeyId), "dailyUsd", AttributeValue.fromN(usd))));
    }

    static BigDecimal cost(APIGatewayProxyResponseEvent response) {
        return body(response).path("usage").path("costUsd").decimalValue();
    }

    @Test
    void everyAnswerCostsItsTokensAtTheModelsPriceAndAHitCostsNothingButSaves() {
        var flash = send("/v1/generate", "{\"prompt\": \"price me\"}");
        assertThat(cost(flash)).isEqualByComparingTo(FAKE_ANSWER_COST);
        var pro = send("/v1/generate", "{\"prompt\": \"price me\", \"model\": \"gemini-2.5-pro\"}");
        assertThat(cost(pro)).as("7 × $1.25 + 5 × $10 per million").isEqualByComparingTo("0.00005875");
        gemini.then(FakeGemini.costing("thoughtful", 10, 20, 100));
        var thinking = send("/v1/generate", "{\"prompt\": \"think\"}");
        assertThat(cost(thinking)).as("thinking tokens are billed as output").isEqualByComparingTo("0.000303");

        var hit = send("/v1/generate", "{\"prompt\": \"price me\"}");
        assertThat(header(hit, "X-Cache")).isEqualTo("HIT");
        assertThat(cost(hit)).isZero();
        assertThat(body(hit).path("usage").path("savedUsd").decimalValue()).isEqualByComparingTo(FAKE_ANSWER_COST);
    }

    @Test
    void usageAddsUpToTheGenerationsMade() {
        List<APIGatewayProxyResponseEvent> misses = List.of(
                send("/v1/generate", "{\"prompt\": \"one\"}"),
                send("/v1/generate", "{\"prompt\": \"two\", \"model\": \"gemini-2.5-pro\"}"),
                send("/v1/generate", "{\"prompt\": \"three\", \"maxOutputTokens\": 10}"));
        var hit = send("/v1/generate", "{\"prompt\": \"one\"}");
        BigDecimal spent = misses.stream().map(BudgetsIT::cost).reduce(BigDecimal.ZERO, BigDecimal::add);

        JsonNode usage = usage();
        assertThat(usage.path("caller").asText()).isEqualTo("apikey:" + apiKeyId);
        assertThat(usage.path("tier").asText()).isEqualTo("free");
        for (String period : List.of("day", "month")) {
            JsonNode counts = usage.path(period);
            assertThat(counts.path("requests").asInt()).as(period).isEqualTo(4);
            assertThat(counts.path("cacheHits").asInt()).isEqualTo(1);
            assertThat(counts.path("inputTokens").asInt()).isEqualTo(21);
            assertThat(counts.path("outputTokens").asInt()).isEqualTo(15);
            assertThat(counts.path("spentUsd").decimalValue()).isEqualByComparingTo(spent);
            assertThat(counts.path("savedUsd").decimalValue())
                    .isEqualByComparingTo(body(hit).path("usage").path("savedUsd").decimalValue());
            assertThat(counts.path("reservedUsd").decimalValue()).as("nothing in flight").isZero();
            assertThat(counts.path("remainingUsd").decimalValue())
                    .isEqualByComparingTo(counts.path("limitUsd").decimalValue().subtract(spent));
        }
        assertThat(usage.path("day").path("limitUsd").decimalValue()).as("the free tier's default").isEqualByComparingTo("1");
    }

    @Test
    void twentyConcurrentRequestsNeverSpendMoreThanTheDailyLimit() throws Exception {
        setDailyLimit("0.01");
        for (int i = 0; i < 20; i++) { // each answer really costs about what it may: 1000 output tokens
            gemini.then(FakeGemini.costing("expensive", 10, 1_000, 0).after(Duration.ofMillis(800)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String body = "{\"prompt\": \"burst " + i + "\", \"maxOutputTokens\": 1000}";
            calls.add(pool.submit(() -> {
                start.await();
                return send("/v1/generate", body);
            }));
        }
        start.countDown();
        BigDecimal spent = BigDecimal.ZERO;
        int served = 0;
        for (Future<APIGatewayProxyResponseEvent> call : calls) {
            APIGatewayProxyResponseEvent response = call.get();
            if (response.getStatusCode() == 200) {
                served++;
                spent = spent.add(cost(response));
            } else {
                assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(429);
                assertThat(body(response).path("type").asText()).isEqualTo("urn:genapi:problem:budget-exceeded");
                assertThat(Integer.parseInt(header(response, "Retry-After"))).isPositive();
            }
        }
        pool.shutdown();

        assertThat(served).as("some fit, not all").isBetween(1, 19);
        assertThat(gemini.callCount()).as("a refused request never reaches the model").isEqualTo(served);
        assertThat(spent).isLessThanOrEqualTo(new BigDecimal("0.01"));
        JsonNode day = usage().path("day");
        assertThat(day.path("spentUsd").decimalValue()).isEqualByComparingTo(spent).isLessThanOrEqualTo(new BigDecimal("0.01"));
        assertThat(day.path("reservedUsd").decimalValue()).as("every reservation settled or released").isZero();
    }

    @Test
    void onceSpentARequestThatCannotFitWaitsForTheDayToReset() {
        setDailyLimit("0.003");
        gemini.then(FakeGemini.costing("expensive", 10, 1_000, 0));
        assertThat(send("/v1/generate", "{\"prompt\": \"spend\", \"maxOutputTokens\": 1000}").getStatusCode()).isEqualTo(200);

        var refused = send("/v1/generate", "{\"prompt\": \"more\", \"maxOutputTokens\": 1000}");
        assertThat(refused.getStatusCode()).isEqualTo(429);
        assertThat(body(refused).path("detail").asText()).contains("resets at");
        assertThat(Integer.parseInt(header(refused, "Retry-After"))).as("until midnight UTC").isBetween(1, 86_400);
        assertThat(gemini.callCount()).isEqualTo(1);

        var cheap = send("/v1/generate", "{\"prompt\": \"less\", \"maxOutputTokens\": 10}");
        assertThat(cheap.getStatusCode()).as("what still fits is served").isEqualTo(200);
    }

    @Test
    void aModelFailureReleasesItsReservation() {
        setDailyLimit("0.003");
        gemini.then(FakeGemini.error(500, "INTERNAL", "boom"));
        assertThat(send("/v1/generate", "{\"prompt\": \"fail\", \"maxOutputTokens\": 1000}").getStatusCode()).isEqualTo(502);
        JsonNode day = usage().path("day");
        assertThat(day.path("reservedUsd").decimalValue()).isZero();
        assertThat(day.path("spentUsd").decimalValue()).isZero();
        assertThat(send("/v1/generate", "{\"prompt\": \"retry\", \"maxOutputTokens\": 1000}").getStatusCode()).isEqualTo(200);
    }

    @Test
    void aCallThatMayHaveBeenBilledIsChargedAtItsMostNotReleased() {
        gemini.then(FakeGemini.finished("odd", "A_REASON_NOBODY_KNOWS"));
        var unreadable = send("/v1/generate", "{\"prompt\": \"bad answer\", \"maxOutputTokens\": 1000}");
        assertThat(unreadable.getStatusCode()).isEqualTo(502);
        // 10 bytes of prompt + 16 tokens of framing at $0.30, and 1000 output tokens at $2.50, per million.
        assertThat(usage().path("day").path("spentUsd").decimalValue()).isEqualByComparingTo("0.0025078");
        assertThat(usage().path("day").path("reservedUsd").decimalValue()).isZero();
    }

    @Test
    void anIdempotentReplayGetsItsJobBackEvenOnceTheBudgetIsSpent() {
        var first = generate.handleRequest(post("/v1/jobs", "{\"prompt\": \"once\"}", apiKeyId, "Idempotency-Key", "k-1"), null);
        assertThat(first.getStatusCode()).isEqualTo(202);
        setDailyLimit("0");
        var replay = generate.handleRequest(post("/v1/jobs", "{\"prompt\": \"once\"}", apiKeyId, "Idempotency-Key", "k-1"), null);
        assertThat(replay.getStatusCode()).as(replay.getBody()).isEqualTo(202);
        assertThat(body(replay).path("id")).isEqualTo(body(first).path("id"));
        var fresh = generate.handleRequest(post("/v1/jobs", "{\"prompt\": \"twice\"}", apiKeyId, "Idempotency-Key", "k-2"), null);
        assertThat(fresh.getStatusCode()).as("a new job is checked").isEqualTo(429);
    }

    @Test
    void jobsAndBatchesAreCheckedAtSubmission() {
        setDailyLimit("0");
        var job = send("/v1/jobs", "{\"prompt\": \"queued\"}");
        assertThat(job.getStatusCode()).isEqualTo(429);
        assertThat(body(job).path("type").asText()).isEqualTo("urn:genapi:problem:budget-exceeded");
        var batch = send("/v1/batches", "{\"requests\": [{\"prompt\": \"queued\"}]}");
        assertThat(batch.getStatusCode()).isEqualTo(429);
        assertThat(body(batch).path("type").asText()).isEqualTo("urn:genapi:problem:budget-exceeded");
        assertThat(gemini.callCount()).isZero();
    }

    @Test
    void aJobThatRunsOverBudgetFailsWithThatErrorAndIsNotRetried() {
        setDailyLimit("0");
        try (AsyncStack stack = new AsyncStack(backend, gemini, Map.of())) {
            String jobId = dev.genapi.core.jobs.Ids.newJobId();
            backend.sqs().sendMessage(r -> r.queueUrl(backend.queueUrl("JobsQueue")).messageBody("{\"jobId\": \""
                    + jobId + "\", \"caller\": \"apikey:" + apiKeyId + "\", \"request\": {\"prompt\": \"too dear\"}}"));
            JsonNode job = stack.awaitJobStatus(jobId, apiKeyId, "FAILED", Duration.ofSeconds(20));
            assertThat(job.path("error").path("code").asText()).isEqualTo("budget-exceeded");
            assertThat(job.path("error").path("retryable").asBoolean()).isFalse();
            assertThat(job.path("attempts").asInt()).isEqualTo(1);
            assertThat(job.path("deadLettered").asBoolean()).isFalse();
            AsyncStack.sleep(Duration.ofSeconds(2));
            assertThat(stack.job(jobId, apiKeyId).getBody()).as("no second attempt").contains("\"attempts\":1");
        }
        assertThat(gemini.callCount()).isZero();
    }
}
