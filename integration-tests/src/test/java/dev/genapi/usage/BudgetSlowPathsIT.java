package dev.genapi.usage;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.usage.Money;
import dev.genapi.core.usage.Pricing;
import dev.genapi.generate.GenerateHandler;
import dev.genapi.local.api.LocalContext;
import dev.genapi.status.StatusHandler;
import dev.genapi.testing.ApiEvents;
import dev.genapi.testing.ApiFunction;
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
import java.util.concurrent.CompletableFuture;
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
 * Budgets on the slow paths, at the wire (the real LangChain4j client against the Gemini fake): a fallback
 * after a time-out, a chain whose every attempt times out, and a single-flight follower behind a slow leader.
 * What is spent never passes the limit, and every call that may have been billed is counted.
 */
@ExtendWith(AwsEmulators.class)
class BudgetSlowPathsIT {

    static final String PRO = "gemini-2.5-pro";
    static final String FLASH = "gemini-2.5-flash";

    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static AwsBackend backend;
    static ApiFunction status;
    String apiKeyId;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
        status = new ApiFunction(new StatusHandler(new Env(backend.environment("StatusFunction", Map.of()))));
    }

    @BeforeEach
    void newCaller() {
        gemini.reset();
        apiKeyId = "slow" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> env = backend.environment("GenerateFunction", gemini);
        env.putAll(overrides);
        return env;
    }

    static ApiFunction generateFunction(Map<String, String> env) {
        return new ApiFunction(new GenerateHandler(new Env(env)));
    }

    /** A chain whose first model times out after 1 s; circuits that stay closed throughout. */
    static Map<String, String> proThenFlash() {
        return environment(Map.of("MODEL_CHAINS", PRO + ">" + FLASH, "GEMINI_TIMEOUT_SECONDS", "1",
                "CIRCUIT_FAILURES", "50"));
    }

    void setDailyLimit(String usd) {
        backend.dynamoDb().putItem(r -> r.tableName(backend.tableName("UsageTable")).item(Map.of(
                "pk", AttributeValue.fromS("limits#apikey:" + apiKeyId), "dailyUsd", AttributeValue.fromN(usd))));
    }

    JsonNode today() {
        var response = status.handleRequest(ApiEvents.request("GET", "/v1/usage", null, apiKeyId, new LinkedHashMap<>()), null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return body(response).path("day");
    }

    /** The most {@code body} can cost on {@code model}, as the template's pricing bounds it. */
    static BigDecimal mostOn(Map<String, String> env, String model, String body) {
        GenerationRequest request = new GenerationRequestParser(GenerationConfig.from(new Env(env))).parse(body);
        long nanoUsd = Pricing.from(new Env(env), List.of(model))
                .maxNanoUsd(model, request.textBytes(), request.turns(), request.maxOutputTokens());
        return Money.usd(nanoUsd);
    }

    @Test
    void aBurstThatFallsBackAfterATimeOutNeverSpendsPastTheLimit() throws Exception {
        Map<String, String> env = proThenFlash();
        ApiFunction generate = generateFunction(env);
        setDailyLimit("0.031");
        gemini.down(PRO, FakeGemini.costing("too late", 10, 1_000, 0).after(Duration.ofMillis(2_500)));
        for (int i = 0; i < 4; i++) {
            gemini.then(FakeGemini.costing("the fallback's answer", 10, 1_000, 0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<APIGatewayProxyResponseEvent>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String body = "{\"prompt\": \"burst " + i + "\", \"model\": \"" + PRO + "\", \"maxOutputTokens\": 1000}";
            calls.add(pool.submit(() -> {
                start.await();
                return generate.handleRequest(post("/v1/generate", body, apiKeyId), null);
            }));
        }
        start.countDown();
        BigDecimal answered = BigDecimal.ZERO;
        int served = 0;
        for (Future<APIGatewayProxyResponseEvent> call : calls) {
            APIGatewayProxyResponseEvent response = call.get();
            if (response.getStatusCode() == 200) {
                served++;
                assertThat(body(response).path("model").asText()).isEqualTo(FLASH);
                answered = answered.add(body(response).path("usage").path("costUsd").decimalValue());
            } else {
                assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(429);
            }
        }
        pool.shutdown();

        JsonNode day = today();
        assertThat(served).as("some fit").isPositive();
        assertThat(day.path("spentUsd").decimalValue()).as("each answer counts the timed-out call before it")
                .isEqualByComparingTo(answered)
                .isLessThanOrEqualTo(new BigDecimal("0.031"));
        assertThat(day.path("reservedUsd").decimalValue()).isZero();
    }

    @Test
    void whenEveryAttemptTimesOutEachOneIsCounted() {
        Map<String, String> env = proThenFlash();
        String body = "{\"prompt\": \"all late\", \"model\": \"" + PRO + "\", \"maxOutputTokens\": 1000}";
        gemini.down(PRO, FakeGemini.text("too late").after(Duration.ofMillis(2_500)));
        gemini.down(FLASH, FakeGemini.text("too late as well").after(Duration.ofMillis(2_500)));

        var response = generateFunction(env).handleRequest(post("/v1/generate", body, apiKeyId), null);

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(504);
        assertThat(gemini.callCount()).isEqualTo(2);
        JsonNode day = today();
        assertThat(day.path("spentUsd").decimalValue()).as("both calls may have been billed")
                .isEqualByComparingTo(mostOn(env, PRO, body).add(mostOn(env, FLASH, body)));
        assertThat(day.path("reservedUsd").decimalValue()).isZero();
    }

    /**
     * The production shape at a smaller scale: the follower waits up to 5 s, each generation may take 8 s,
     * the function stops at 10 s, and the model takes 6 s. Waiting and then generating afresh would end
     * after the function's time-out, uncounted.
     */
    @Test
    void aFollowerBehindASlowLeaderEndsInsideItsInvocationAndItsCallIsCounted() throws Exception {
        Map<String, String> env = environment(Map.of("SINGLE_FLIGHT_WAIT_SECONDS", "5",
                "SINGLE_FLIGHT_LEASE_SECONDS", "8", "GENERATION_BUDGET_SECONDS", "8"));
        ApiFunction generate = generateFunction(env);
        String prompt = "slow leader " + UUID.randomUUID();
        String body = "{\"prompt\": \"" + prompt + "\", \"maxOutputTokens\": 100}";
        int timeoutSeconds = 10;
        BigDecimal warmUpCost = body(generate.handleRequest(post("/v1/generate", "{\"prompt\": \"warm up\"}", apiKeyId), null))
                .path("usage").path("costUsd").decimalValue(); // the model client is built before the race
        gemini.thenFor(prompt, FakeGemini.costing("slow", 10, 100, 0).after(Duration.ofMillis(6_000)),
                FakeGemini.costing("slow", 10, 100, 0).after(Duration.ofMillis(6_000)));

        CompletableFuture<APIGatewayProxyResponseEvent> leader = CompletableFuture.supplyAsync(() -> generate.handleRequest(
                post("/v1/generate", body, apiKeyId), new LocalContext("leader", "GenerateFunction", timeoutSeconds)));
        Thread.sleep(500);
        long followerStart = System.nanoTime();
        var follower = generate.handleRequest(post("/v1/generate", body, apiKeyId),
                new LocalContext("follower", "GenerateFunction", timeoutSeconds));
        long followerMillis = (System.nanoTime() - followerStart) / 1_000_000;

        assertThat(followerMillis).as("inside the function's %d s", timeoutSeconds).isLessThan(timeoutSeconds * 1_000L);
        assertThat(leader.get().getStatusCode()).isEqualTo(200);
        BigDecimal leaderCost = body(leader.get()).path("usage").path("costUsd").decimalValue();
        JsonNode day = today();
        if (gemini.callCount(prompt) == 2) { // the follower went on alone: its call counts, answered or timed out
            BigDecimal followerCost = follower.getStatusCode() == 200
                    ? body(follower).path("usage").path("costUsd").decimalValue() : mostOn(env, FLASH, body);
            assertThat(follower.getStatusCode()).as(follower.getBody()).isIn(200, 504);
            assertThat(day.path("spentUsd").decimalValue()).isEqualByComparingTo(warmUpCost.add(leaderCost).add(followerCost));
        } else {
            assertThat(follower.getStatusCode()).as("served the leader's answer").isEqualTo(200);
            assertThat(day.path("spentUsd").decimalValue()).isEqualByComparingTo(warmUpCost.add(leaderCost));
        }
        assertThat(day.path("requests").asInt()).as("the warm-up, the leader and the follower").isEqualTo(3);
        assertThat(day.path("reservedUsd").decimalValue()).isZero();
    }
}
