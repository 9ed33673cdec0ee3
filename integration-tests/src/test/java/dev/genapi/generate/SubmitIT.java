package dev.genapi.generate;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.testing.ApiEvents;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Submitting jobs and batches when things go wrong: bad input, a queue or table that does not answer. */
@ExtendWith(AwsEmulators.class)
class SubmitIT {

    static AwsBackend backend;
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    String marker;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
    }


    @BeforeEach
    void marker() {
        marker = UUID.randomUUID().toString();
    }

    ApiFunction handler(Map<String, String> overrides) {
        return TestHandlers.generate(backend, gemini, Clock.systemUTC(), overrides);
    }

    ApiFunction queueDown() {
        return handler(Map.of("JOBS_QUEUE_URL", backend.queueUrl("JobsQueue") + "-gone"));
    }

    APIGatewayProxyResponseEvent send(ApiFunction handler, String path, String body, String... headers) {
        return handler.handleRequest(post(path, body, "submit-it", headers), null);
    }

    /** The stored jobs whose request mentions this test's marker. */
    List<Map<String, AttributeValue>> jobsWithMarker() {
        return backend.dynamoDb().scan(r -> r.tableName(backend.tableName("JobsTable"))
                .filterExpression("contains(#r, :m)")
                .expressionAttributeNames(Map.of("#r", "request"))
                .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(marker)))).items();
    }

    @Test
    void whenTheQueueIsDownTheJobEndsFailedNotQueuedAndTheCallerIsToldToRetry() {
        var response = send(queueDown(), "/v1/jobs", "{\"prompt\": \"" + marker + "\"}");
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(header(response, "Retry-After")).isEqualTo("5");
        assertThat(body(response).path("type").asText()).isEqualTo("urn:genapi:problem:queue-unavailable");

        List<Map<String, AttributeValue>> jobs = jobsWithMarker();
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).get("status").s()).isEqualTo("FAILED");
        assertThat(jobs.get(0).get("error").m().get("code").s()).isEqualTo("enqueue-failed");
        assertThat(jobs.get(0).get("error").m().get("retryable").bool()).isTrue();
    }

    @Test
    void afterAFailedEnqueueTheSameIdempotencyKeyMakesANewJob() {
        String body = "{\"prompt\": \"" + marker + "\"}";
        assertThat(send(queueDown(), "/v1/jobs", body, "Idempotency-Key", marker).getStatusCode()).isEqualTo(503);
        var retried = send(handler(Map.of()), "/v1/jobs", body, "Idempotency-Key", marker);
        assertThat(retried.getStatusCode()).isEqualTo(202);
        assertThat(body(retried).path("status").asText()).isEqualTo("QUEUED");
        assertThat(jobsWithMarker()).extracting(job -> job.get("status").s()).containsExactlyInAnyOrder("FAILED", "QUEUED");
    }

    @Test
    void aBatchThatCannotBeQueuedIs503WithEveryJobFailed() {
        var response = send(queueDown(), "/v1/batches",
                "{\"requests\": [{\"prompt\": \"a " + marker + "\"}, {\"prompt\": \"b " + marker + "\"}]}");
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(jobsWithMarker()).hasSize(2).allSatisfy(job -> assertThat(job.get("status").s()).isEqualTo("FAILED"));
    }

    @Test
    void whenTheJobsTableIsDownTheAnswerIs503() {
        var response = send(handler(Map.of("JOBS_TABLE", "no-such-table")), "/v1/jobs", "{\"prompt\": \"x\"}");
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(body(response).path("type").asText()).isEqualTo("urn:genapi:problem:service-unavailable");
        assertThat(header(response, "Retry-After")).isEqualTo("5");
    }

    @Test
    void aJobIsValidatedLikeAGenerationAndOnlyPostIsAllowed() {
        var invalid = send(handler(Map.of()), "/v1/jobs", "{\"prompt\": 3, \"topK\": 0}");
        assertThat(invalid.getStatusCode()).isEqualTo(400);
        assertThat(body(invalid).path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("prompt", "topK");

        var event = ApiEvents.request("GET", "/v1/jobs", null, "k", new LinkedHashMap<>());
        var wrongMethod = handler(Map.of()).handleRequest(event, null);
        assertThat(wrongMethod.getStatusCode()).isEqualTo(405);
        assertThat(header(wrongMethod, "Allow")).isEqualTo("POST");

        var badKey = send(handler(Map.of()), "/v1/jobs", "{\"prompt\": \"x\"}", "Idempotency-Key", "k".repeat(256));
        assertThat(badKey.getStatusCode()).isEqualTo(400);
        assertThat(body(badKey).path("type").asText()).isEqualTo("urn:genapi:problem:invalid-idempotency-key");
    }

    @Test
    void aBatchReportsEveryInvalidEntryAndStoresNothing() {
        var response = send(handler(Map.of()), "/v1/batches", """
                {"requests": [
                  {"customId": "a", "prompt": "fine %s"},
                  {"customId": "b", "prompt": "hot %s", "temperature": 9},
                  {"customId": "a", "prompt": "dup %s"},
                  {"customId": 7, "prompt": "numeric id %s"},
                  "not an object"
                ]}""".formatted(marker, marker, marker, marker));
        assertThat(response.getStatusCode()).isEqualTo(400);
        JsonNode errors = body(response).path("errors");
        assertThat(errors.findValuesAsText("field")).contains("requests[1].temperature", "requests[2].customId",
                "requests[3].customId", "requests[4]");
        assertThat(jobsWithMarker()).isEmpty();
    }

    @Test
    void aBatchMustHoldOneToTheConfiguredMaximumOfRequests() {
        ApiFunction handler = handler(Map.of("BATCH_MAX_REQUESTS", "3"));
        assertThat(send(handler, "/v1/batches", "{\"requests\": []}").getStatusCode()).isEqualTo(400);
        assertThat(send(handler, "/v1/batches", "{\"jobs\": [{\"prompt\": \"x\"}]}").getStatusCode()).isEqualTo(400);
        var tooMany = send(handler, "/v1/batches", "{\"requests\": [{\"prompt\": \"1\"}, {\"prompt\": \"2\"}, "
                + "{\"prompt\": \"3\"}, {\"prompt\": \"4\"}]}");
        assertThat(tooMany.getStatusCode()).isEqualTo(413);
        assertThat(body(tooMany).path("detail").asText()).contains("at most 3");
    }

    @Test
    void jobsNotSentBeforeTheFunctionMustAnswerAreFailedNotLeftQueued() {
        var event = post("/v1/batches", "{\"requests\": [{\"prompt\": \"late " + marker + "\"}]}", "submit-it");
        var almostOutOfTime = new dev.genapi.local.api.LocalContext("r", "GenerateFunction", 5);
        var response = handler(Map.of()).handleRequest(event, almostOutOfTime);
        assertThat(response.getStatusCode()).isEqualTo(503);
        assertThat(jobsWithMarker()).singleElement().satisfies(job -> assertThat(job.get("status").s()).isEqualTo("FAILED"));
    }

    @Test
    void aPromptTooLargeForAJobRecordIs413AtSubmission() {
        String huge = "漢".repeat(120_000); // 360 KB of UTF-8, allowed by a raised prompt limit
        var response = send(handler(Map.of("MAX_PROMPT_CHARS", "200000")), "/v1/jobs", "{\"prompt\": \"" + huge + "\"}");
        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(body(response).path("detail").asText()).contains("POST /v1/generate");
    }
}
