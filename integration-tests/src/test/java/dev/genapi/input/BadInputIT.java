package dev.genapi.input;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.genapi.core.config.Env;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.generate.GenerateHandler;
import dev.genapi.local.sqs.SqsFunction;
import dev.genapi.status.StatusHandler;
import dev.genapi.testing.ApiEvents;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.FaultyDynamoDb;
import dev.genapi.worker.WorkerHandler;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input as a new user sends it, through the real functions: every class of malformed request is a 4xx
 * problem, on every route that takes it, and none reaches the model or (where it cannot exist) DynamoDB.
 */
@ExtendWith(AwsEmulators.class)
class BadInputIT {

    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static AwsBackend backend;
    static ApiFunction generate;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
        generate = new ApiFunction(new GenerateHandler(new Env(backend.environment("GenerateFunction", gemini))));
    }

    @BeforeEach
    void reset() {
        gemini.reset();
    }

    static APIGatewayProxyResponseEvent send(String path, String body) {
        return generate.handleRequest(post(path, body, "bad-input"), null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/generate", "/v1/jobs", "/v1/batches"})
    void contentAfterTheJsonDocumentIsRefusedOnEveryRoute(String path) {
        String document = path.equals("/v1/batches") ? "{\"requests\": [{\"prompt\": \"a\"}]}" : "{\"prompt\": \"a\"}";
        for (String trailing : List.of(" {\"prompt\": \"b\"}", " trailing text", " 42", "]")) {
            var response = send(path, document + trailing);
            assertThat(response.getStatusCode()).as(trailing).isEqualTo(400);
            assertThat(body(response).path("type").asText()).isEqualTo("urn:genapi:problem:malformed-json");
        }
        assertThat(gemini.callCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/generate", "/v1/jobs", "/v1/batches"})
    void escapedLoneSurrogatesAreRefusedOnEveryRoute(String path) {
        String request = "{\"prompt\": \"half a pair \\ud83d here\"}";
        String body = path.equals("/v1/batches") ? "{\"requests\": [" + request + "]}" : request;
        var response = send(path, body);
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).path("detail").asText()).contains("lone UTF-16 surrogate");
        assertThat(gemini.callCount()).isZero();
    }

    @Test
    void textOfOnlyControlCharactersIsA400NamingTheFieldNotAModelError() {
        var system = send("/v1/generate", "{\"system\": \"\\u0001\\u0002\", \"prompt\": \"hello\"}");
        assertThat(system.getStatusCode()).isEqualTo(400);
        assertThat(body(system).path("errors").findValuesAsText("field")).containsExactly("system");

        var message = send("/v1/jobs", "{\"messages\": [{\"role\": \"user\", \"content\": \"\\u0000\\u200b\"}]}");
        assertThat(message.getStatusCode()).isEqualTo(400);
        assertThat(body(message).path("errors").findValuesAsText("field")).containsExactly("messages[0].content");

        var batch = send("/v1/batches", "{\"requests\": [{\"prompt\": \"fine\"}, {\"prompt\": \"\\u007f\"}]}");
        assertThat(batch.getStatusCode()).isEqualTo(400);
        assertThat(body(batch).path("errors").findValuesAsText("field")).containsExactly("requests[1].prompt");
        assertThat(gemini.callCount()).isZero();
    }

    @Test
    void aProducersJobWithBlankTextFailsAsAnInvalidRequestWithoutAModelCall() {
        SqsFunction worker = new SqsFunction(new WorkerHandler(new Env(backend.environment("WorkerFunction", gemini))));
        String jobId = Ids.newJobId();
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId("m-" + jobId);
        record.setReceiptHandle("not-a-real-handle");
        record.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        record.setBody("{\"jobId\": \"" + jobId + "\", \"request\": {\"prompt\": \"\\u0003\\u0004\"}}");
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));

        SQSBatchResponse response = worker.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        JobStore jobs = JobStore.from(new Env(backend.environment("WorkerFunction", gemini)), backend.dynamoDb(),
                Clock.systemUTC());
        Job job = jobs.find(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.error().code()).isEqualTo("invalid-request");
        assertThat(job.error().message()).contains("request.prompt");
        assertThat(gemini.callCount()).isZero();
    }

    @Test
    void statusIdsThatCanNeverExistAre404WithoutAskingDynamoDb() {
        try (FaultyDynamoDb dynamo = FaultyDynamoDb.in(backend.dynamoDbEndpoint())) {
            Map<String, String> env = backend.environment("StatusFunction", Map.of());
            env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
            ApiFunction status = new ApiFunction(new StatusHandler(new Env(env)));
            for (String resource : List.of("/v1/jobs/{id}", "/v1/batches/{id}")) {
                for (String id : List.of("x".repeat(4_000), "job_" + "A".repeat(32), "batch_123", "../etc")) {
                    var event = ApiEvents.request("GET", resource.replace("{id}", id), null, "bad-input",
                            new LinkedHashMap<>()).withResource(resource).withPathParameters(Map.of("id", id));
                    var response = status.handleRequest(event, null);
                    assertThat(response.getStatusCode()).as(resource + " " + id.length()).isEqualTo(404);
                    assertThat(body(response).path("type").asText()).isEqualTo("urn:genapi:problem:not-found");
                }
            }
            assertThat(dynamo.requests()).as("no id of the wrong shape reaches DynamoDB").isZero();
        }
    }
}
