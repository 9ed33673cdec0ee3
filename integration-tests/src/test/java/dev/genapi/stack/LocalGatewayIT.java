package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.local.LocalGenapi;
import dev.genapi.testing.FakeGemini;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local stack's gateway as a new user meets it with the banner's keys: the API key on every route, the
 * usage plans' throttle and quota from template.yaml, CORS, and two keys as two callers who share nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the quota test spends the free key's day: last
class LocalGatewayIT {

    static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static LocalGenapi stack;
    static String free;
    static String standard;

    @BeforeAll
    static void start() throws Exception {
        // A small free quota (a parameter override, as a deployment would set it) so the test can reach it.
        stack = LocalGenapi.start(LocalGenapiIT.options(Map.of("GEMINI_API_KEY", "k", "GEMINI_BASE_URL", gemini.baseUrl(),
                "GENAPI_PARAMETER_OVERRIDES", "FreeQuotaLimit=12 CorsAllowedOrigins=https://app.example.com")));
        free = LocalGenapiIT.key(stack, "free");
        standard = LocalGenapiIT.key(stack, "standard");
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    static HttpResponse<String> get(String path, String key) throws Exception {
        return LocalGenapiIT.send(stack, "GET", path, null, "x-api-key", key);
    }

    static HttpResponse<String> post(String path, String body, String key, String... headers) throws Exception {
        String[] all = new String[headers.length + 4];
        all[0] = "x-api-key";
        all[1] = key;
        all[2] = "Content-Type";
        all[3] = "application/json";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return LocalGenapiIT.send(stack, "POST", path, body, all);
    }

    static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("type").asText()).isEqualTo("urn:genapi:problem:" + type);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
    }

    @Test
    void noKeyOrAWrongKeyIsA403ProblemOnEveryRoute() throws Exception {
        for (String path : List.of("/v1/generate", "/v1/jobs", "/v1/batches", "/v1/jobs/job_x", "/v1/batches/batch_x", "/v1/usage",
                "/v1/webhooks/secret")) {
            assertProblem(LocalGenapiIT.send(stack, "GET", path, null, "x-api-key", ""), 403, "invalid-api-key");
            assertProblem(get(path, "not-a-key-of-this-api-at-all"), 403, "invalid-api-key");
        }
        assertThat(gemini.callCount()).isZero();
    }

    @Test
    void theFreeTiersThrottleAnswers429WithRetryAfterAndThenRecovers() throws Exception {
        waitForFullBucket();
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> throttled = null;
        for (int i = 0; i < 8 && throttled == null; i++) {
            HttpResponse<String> response = get("/v1/jobs/job_" + "0".repeat(32), free);
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                throttled = response;
            }
        }
        assertThat(throttled).as("the burst of 5 is exceeded: " + statuses).isNotNull();
        assertProblem(throttled, 429, "throttled");
        assertThat(Integer.parseInt(throttled.headers().firstValue("retry-after").orElseThrow())).isPositive();
        assertThat(get("/v1/jobs/job_" + "0".repeat(32), standard).statusCode()).as("another key is not throttled").isEqualTo(404);
        TimeUnit.MILLISECONDS.sleep(1_100);
        assertThat(get("/v1/jobs/job_" + "0".repeat(32), free).statusCode()).as("a second later").isEqualTo(404);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void theFreeTiersDailyQuotaAnswers429QuotaExceededUntilTheDayEnds() throws Exception {
        HttpResponse<String> refused = null;
        for (int i = 0; i < 30 && refused == null; i++) {
            waitForFullBucket();
            HttpResponse<String> response = get("/v1/batches/batch_" + "0".repeat(32), free);
            if (response.statusCode() == 429 && response.body().contains("quota-exceeded")) {
                refused = response;
            }
        }
        assertThat(refused).as("12 requests a day (FreeQuotaLimit)").isNotNull();
        assertProblem(refused, 429, "quota-exceeded");
        assertThat(Integer.parseInt(refused.headers().firstValue("retry-after").orElseThrow())).isBetween(1, 86_400);
    }

    /** Lets the free bucket refill (2 a second, burst 5) so a quota test is not throttled instead. */
    static void waitForFullBucket() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(600);
    }

    @Test
    void twoKeysNeverShareCacheEntriesJobsBatchesIdempotencyKeysOrUsage() throws Exception {
        String marker = UUID.randomUUID().toString();
        String body = "{\"prompt\": \"shared " + marker + "\"}";
        // Cache: the same request is a miss for each key.
        assertThat(post("/v1/generate", body, standard).headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(post("/v1/generate", body, standard).headers().firstValue("x-cache")).hasValue("HIT");
        waitForFullBucket();
        assertThat(post("/v1/generate", body, free).headers().firstValue("x-cache")).as("free").hasValue("MISS");

        // Jobs and Idempotency-Keys: one key's job is another's 404; the same key makes a job of each caller's own.
        var standardJob = JSON.readTree(post("/v1/jobs", body, standard, "Idempotency-Key", "order-" + marker).body());
        waitForFullBucket();
        var freeJob = JSON.readTree(post("/v1/jobs", body, free, "Idempotency-Key", "order-" + marker).body());
        assertThat(freeJob.path("id").asText()).as("an Idempotency-Key is the caller's own").isNotEqualTo(standardJob.path("id").asText());
        assertProblem(get("/v1/jobs/" + standardJob.path("id").asText(), free), 404, "not-found");
        assertProblem(get("/v1/jobs/" + freeJob.path("id").asText(), standard), 404, "not-found");
        assertThat(get("/v1/jobs/" + standardJob.path("id").asText(), standard).statusCode()).isEqualTo(200);

        // Batches.
        waitForFullBucket();
        var batch = JSON.readTree(post("/v1/batches", "{\"requests\": [" + body + "]}", standard).body());
        assertProblem(get("/v1/batches/" + batch.path("id").asText(), free), 404, "not-found");
        assertThat(get("/v1/batches/" + batch.path("id").asText(), standard).statusCode()).isEqualTo(200);

        // Usage: each key sees its own.
        waitForFullBucket();
        JsonNode freeUsage = JSON.readTree(get("/v1/usage", free).body());
        JsonNode standardUsage = JSON.readTree(get("/v1/usage", standard).body());
        assertThat(freeUsage.path("caller").asText()).isEqualTo("apikey:" + idOf(free));
        assertThat(freeUsage.path("tier").asText()).isEqualTo("free");
        assertThat(standardUsage.path("tier").asText()).isEqualTo("standard");
        assertThat(standardUsage.path("day").path("cacheHits").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(freeUsage.path("day").path("limitUsd").decimalValue())
                .isLessThan(standardUsage.path("day").path("limitUsd").decimalValue());
    }

    static String idOf(String key) {
        return stack.apiKeys().byValue(key).orElseThrow().id();
    }

    @Test
    void aCorsPreflightNeedsNoKeyAndAnswersAllowedOriginsOnly() throws Exception {
        var preflight = LocalGenapiIT.send(stack, "OPTIONS", "/v1/generate", null, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-api-key, content-type");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
        assertThat(preflight.headers().firstValue("access-control-allow-headers").orElseThrow())
                .containsIgnoringCase("x-api-key").contains("Authorization").contains("Idempotency-Key").contains("Cache-Control");

        var stranger = LocalGenapiIT.send(stack, "OPTIONS", "/v1/generate", null, "Origin", "https://evil.example");
        assertThat(stranger.headers().firstValue("access-control-allow-origin")).isEmpty();

        var answer = post("/v1/generate", "{\"prompt\": \"cors\"}", standard, "Origin", "https://app.example.com");
        assertThat(answer.headers().firstValue("access-control-allow-origin")).hasValue("https://app.example.com");
        assertThat(answer.headers().firstValue("access-control-expose-headers").orElseThrow())
                .contains("X-Cache").contains("Age").contains("Retry-After").contains("Location");
        var refused = LocalGenapiIT.send(stack, "POST", "/v1/generate", "{}", "Origin", "https://app.example.com", "x-api-key", "");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("access-control-allow-origin")).as("a browser can read the refusal")
                .hasValue("https://app.example.com");
        assertThat(refused.headers().firstValue("access-control-expose-headers").orElseThrow()).contains("Retry-After");
    }
}
