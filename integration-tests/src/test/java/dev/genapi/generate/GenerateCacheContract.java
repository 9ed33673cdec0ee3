package dev.genapi.generate;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.testing.ApiEvent;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The response cache, end to end through GenerateFunction's real wiring: DynamoDB (emulated or LocalStack),
 * the real LangChain4j client against a fake Gemini, and a clock the test moves. Each test is its own caller
 * (a fresh API key), so tests never see each other's entries.
 */
abstract class GenerateCacheContract {

    static final String FULL_REQUEST = """
            {"system": "Be brief.", "prompt": "Name a colour.", "model": "gemini-2.5-flash", "temperature": 0.5,
             "topP": 0.9, "topK": 40, "maxOutputTokens": 100, "stopSequences": ["END"], "responseFormat": "text"}""";

    static FakeGemini gemini;
    MutableClock clock;
    ApiFunction handler;
    String caller;

    protected abstract AwsBackend backend();

    @BeforeAll
    static void startGemini() {
        gemini = FakeGemini.start();
    }

    @AfterAll
    static void stopGemini() {
        gemini.close();
    }

    @BeforeEach
    void newCallerAndHandler() {
        gemini.reset();
        clock = MutableClock.startingNow();
        handler = handler(Map.of());
        caller = "key-" + UUID.randomUUID();
    }

    ApiFunction handler(Map<String, String> overrides) {
        return TestHandlers.generate(backend(), gemini, clock, overrides);
    }

    APIGatewayProxyResponseEvent generate(String body, String... headers) {
        return handler.handleRequest(post("/v1/generate", body, caller, headers), null);
    }

    @Test
    void identicalRequestsMissThenHitWithOneModelCall() {
        var first = generate("{\"prompt\": \"Write a haiku about caching\"}");
        clock.advance(Duration.ofSeconds(7));
        var second = generate("{\"prompt\": \"Write a haiku about caching\"}");

        assertThat(first.getStatusCode()).isEqualTo(200);
        assertThat(header(first, "X-Cache")).isEqualTo("MISS");
        assertThat(header(first, "Age")).isNull();
        assertThat(body(first).path("cached").asBoolean()).isFalse();
        assertThat(second.getStatusCode()).isEqualTo(200);
        assertThat(header(second, "X-Cache")).isEqualTo("HIT");
        assertThat(header(second, "Age")).isEqualTo("7");
        JsonNode hit = body(second);
        assertThat(hit.path("cached").asBoolean()).isTrue();
        for (String field : new String[] {"id", "model", "output", "finishReason", "createdAt"}) {
            assertThat(hit.get(field)).as(field).isEqualTo(body(first).get(field));
        }
        JsonNode missUsage = body(first).path("usage");
        assertThat(missUsage.path("costUsd").decimalValue()).isPositive();
        assertThat(hit.path("usage").path("totalTokens")).isEqualTo(missUsage.path("totalTokens"));
        assertThat(hit.path("usage").path("costUsd").decimalValue()).as("a hit costs nothing").isZero();
        assertThat(hit.path("usage").path("savedUsd").decimalValue()).as("it saved what the miss cost")
                .isEqualByComparingTo(missUsage.path("costUsd").decimalValue());
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void otherWhitespaceAndFieldOrderShareTheEntry() {
        generate("{\"prompt\":\"p\",\"temperature\":0.5,\"topK\":3,\"stopSequences\":[\"a\",\"b\"]}");
        var reordered = generate("""
                {
                  "stopSequences" : [ "a", "b" ],
                  "topK" : 3,
                  "temperature" : 0.50,
                  "prompt" : "p"
                }""");
        assertThat(header(reordered, "X-Cache")).isEqualTo("HIT");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("prompt", FULL_REQUEST.replace("Name a colour.", "Name a color.")),
                Arguments.of("prompt as messages", FULL_REQUEST.replace("\"prompt\": \"Name a colour.\"",
                        "\"messages\": [{\"role\": \"user\", \"content\": \"Name a colour.\"}]")),
                Arguments.of("system", FULL_REQUEST.replace("Be brief.", "Be brief!")),
                Arguments.of("no system", FULL_REQUEST.replace("\"system\": \"Be brief.\", ", "")),
                Arguments.of("model", FULL_REQUEST.replace("gemini-2.5-flash", "gemini-2.5-pro")),
                Arguments.of("temperature", FULL_REQUEST.replace("0.5", "0.6")),
                Arguments.of("topP", FULL_REQUEST.replace("0.9", "0.8")),
                Arguments.of("topK", FULL_REQUEST.replace("40", "41")),
                Arguments.of("maxOutputTokens", FULL_REQUEST.replace("100", "101")),
                Arguments.of("stopSequences", FULL_REQUEST.replace("[\"END\"]", "[\"END\", \"STOP\"]")),
                Arguments.of("responseFormat", FULL_REQUEST.replace("\"text\"", "\"json\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void changingAnythingThatShapesTheOutputMisses(String what, String variant) {
        assertThat(header(generate(FULL_REQUEST), "X-Cache")).isEqualTo("MISS");
        assertThat(header(generate(variant), "X-Cache")).as(what).isEqualTo("MISS");
        assertThat(header(generate(FULL_REQUEST), "X-Cache")).isEqualTo("HIT");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void anotherCallerNeverSharesAnEntry() {
        generate(FULL_REQUEST);
        var otherCaller = handler.handleRequest(post("/v1/generate", FULL_REQUEST, "another-" + caller), null);
        assertThat(header(otherCaller, "X-Cache")).isEqualTo("MISS");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void anEntryPastItsTtlIsAMissWhileStillInTheTable() {
        String request = "{\"prompt\": \"short-lived\", \"cacheTtlSeconds\": 1}";
        String output = body(generate(request)).path("output").asText();
        clock.advance(Duration.ofMillis(900));
        assertThat(header(generate(request), "X-Cache")).isEqualTo("HIT");

        clock.advance(Duration.ofMillis(100));
        assertThat(cachedItemsWithOutput(output)).as("the expired item is still physically in the table").hasSize(1);
        assertThat(header(generate(request), "X-Cache")).isEqualTo("MISS");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    java.util.List<Map<String, AttributeValue>> cachedItemsWithOutput(String output) {
        return backend().dynamoDb().scan(r -> r.tableName(backend().tableName("ResponseCacheTable"))
                .filterExpression("#o = :o")
                .expressionAttributeNames(Map.of("#o", "output"))
                .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(output)))).items();
    }

    @Test
    void noCacheSkipsTheReadButStoresTheFreshResult() {
        var first = generate(FULL_REQUEST);
        var refreshed = generate(FULL_REQUEST, "cache-control", "no-cache");
        var next = generate(FULL_REQUEST);

        assertThat(header(refreshed, "X-Cache")).isEqualTo("MISS");
        assertThat(body(refreshed).path("id").asText()).isNotEqualTo(body(first).path("id").asText());
        assertThat(header(next, "X-Cache")).isEqualTo("HIT");
        assertThat(body(next).path("id").asText()).isEqualTo(body(refreshed).path("id").asText());
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void noStoreNeitherReadsNorWrites() {
        generate(FULL_REQUEST);
        var bypass = generate(FULL_REQUEST, "Cache-Control", "no-store");
        assertThat(header(bypass, "X-Cache")).isEqualTo("BYPASS");

        String fresh = FULL_REQUEST.replace("colour", "flower");
        generate(fresh, "CACHE-CONTROL", "no-store, max-age=0");
        assertThat(header(generate(fresh), "X-Cache")).as("nothing was stored").isEqualTo("MISS");
        assertThat(gemini.callCount()).isEqualTo(4);
    }

    @Test
    void aZeroTtlBypassesTheCache() {
        String request = "{\"prompt\": \"never keep\", \"cacheTtlSeconds\": 0}";
        assertThat(header(generate(request), "X-Cache")).isEqualTo("BYPASS");
        assertThat(header(generate(request), "X-Cache")).isEqualTo("BYPASS");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void aRequestWithoutAnApiKeyIsRefusedNotServedAnonymously() {
        var anonymous = handler.handleRequest(post("/v1/generate", "{\"prompt\": \"anonymous\"}", null), null);
        assertThat(anonymous.getStatusCode()).isEqualTo(403);
        assertThat(body(anonymous).path("type").asText()).isEqualTo("urn:genapi:problem:invalid-api-key");
        assertThat(gemini.callCount()).isZero();
    }

    @Test
    void aFilteredAnswerIsReturnedButNeverCached() {
        gemini.then(FakeGemini.finished("partial", "SAFETY"), FakeGemini.finished("partial", "SAFETY"));
        var filtered = generate(FULL_REQUEST);
        assertThat(filtered.getStatusCode()).isEqualTo(200);
        assertThat(body(filtered).path("finishReason").asText()).isEqualTo("CONTENT_FILTER");
        assertThat(header(generate(FULL_REQUEST), "X-Cache")).isEqualTo("MISS");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void aGenerationTooLargeForOneItemIsReturnedButNotCached() {
        String huge = "x".repeat(450 * 1024);
        gemini.then(FakeGemini.text(huge), FakeGemini.text(huge));
        var first = generate(FULL_REQUEST);
        assertThat(first.getStatusCode()).isEqualTo(200);
        assertThat(body(first).path("output").asText()).hasSize(huge.length());
        assertThat(header(generate(FULL_REQUEST), "X-Cache")).isEqualTo("MISS");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void whenDynamoDbFailsTheGenerationIsStillServed() {
        ApiFunction noTable = handler(Map.of("CACHE_TABLE", "no-such-table"));
        var first = noTable.handleRequest(post("/v1/generate", FULL_REQUEST, caller), null);
        var second = noTable.handleRequest(post("/v1/generate", FULL_REQUEST, caller), null);
        assertThat(first.getStatusCode()).isEqualTo(200);
        assertThat(second.getStatusCode()).isEqualTo(200);
        assertThat(header(second, "X-Cache")).isEqualTo("MISS");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void theCacheRecordsItsExpiryForDynamoDbTtl() {
        generate("{\"prompt\": \"ttl attribute\", \"cacheTtlSeconds\": 60}");
        var items = backend().dynamoDb().scan(r -> r.tableName(backend().tableName("ResponseCacheTable"))).items();
        long expected = clock.instant().plusSeconds(60).getEpochSecond();
        assertThat(items).anySatisfy(item -> {
            AttributeValue expiresAt = item.get("expiresAt");
            assertThat(Long.parseLong(expiresAt.n())).isBetween(expected, expected + 1);
        });
    }
}
