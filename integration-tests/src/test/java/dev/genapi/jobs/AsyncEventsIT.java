package dev.genapi.jobs;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.jobs.Batches;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobAttempts;
import dev.genapi.core.jobs.JobError;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.local.Handlers;
import dev.genapi.testing.ApiEvent;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.Repository;
import dev.genapi.worker.WorkerHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sample events for the asynchronous routes and the worker, the ones {@code sam local invoke} sends,
 * loaded by aws-lambda-java-tests into the handlers with the template's environment.
 */
@ExtendWith(AwsEmulators.class)
class AsyncEventsIT {

    /** The caller the sample API events carry (identity.apiKeyId "k1a2b3c4d5"). */
    static final Optional<Caller> EXAMPLE_CALLER = Optional.of(Caller.ofApiKey("k1a2b3c4d5"));

    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static ApiFunction generate;
    static ApiFunction status;
    static WorkerHandler worker;
    static JobStore jobs;

    @BeforeAll
    static void start(AwsBackend backend) {
        var template = backend.template();
        generate = new ApiFunction(Handlers.api(template.function("GenerateFunction"), backend.environment("GenerateFunction", gemini)));
        status = new ApiFunction(Handlers.api(template.function("StatusFunction"), backend.environment("StatusFunction", gemini)));
        worker = new WorkerHandler(new Env(backend.environment("WorkerFunction", gemini)));
        jobs = JobStore.from(new Env(backend.environment("StatusFunction", gemini)), backend.dynamoDb(), Clock.systemUTC());
    }


    @Test
    void submitEventIsAcceptedWithItsStagePrefixedLocation() {
        ApiEvent event = ApiEvent.fromFile("jobs-submit.json");
        APIGatewayProxyResponseEvent response = generate.handleRequest(event, null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        String id = body(response).path("id").asText();
        assertThat(header(response, "Location")).isEqualTo("/dev/v1/jobs/" + id);
        assertThat(generate.handleRequest(event, null).getBody()).as("Idempotency-Key replay").contains(id);
    }

    @Test
    void batchSubmitEventQueuesEveryRequest() {
        ApiEvent event = ApiEvent.fromFile("batches-submit.json");
        APIGatewayProxyResponseEvent response = generate.handleRequest(event, null);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        assertThat(body(response).path("total").asInt()).isEqualTo(3);
        assertThat(body(response).path("queued").asInt()).isEqualTo(3);
    }

    @Test
    void jobStatusEventShowsTheCallersJob() {
        ApiEvent event = ApiEvent.fromFile("jobs-status.json");
        String id = event.json().path("pathParameters").path("id").asText();
        assertThat(status.handleRequest(event, null).getStatusCode()).isEqualTo(404);
        jobs.createIfAbsent(jobs.newJob(id, EXAMPLE_CALLER, "{\"prompt\": \"x\"}", null, null, null, "sample"));

        APIGatewayProxyResponseEvent response = status.handleRequest(event, null);
        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode job = body(response);
        assertThat(job.path("id").asText()).isEqualTo(id);
        assertThat(job.path("status").asText()).isEqualTo("QUEUED");
        assertThat(job.path("customId").asText()).isEqualTo("sample");
        assertThat(header(response, "Retry-After")).isEqualTo("2");
    }

    @Test
    void batchStatusEventCountsTheBatchsJobs() {
        ApiEvent event = ApiEvent.fromFile("batches-status.json");
        String id = event.json().path("pathParameters").path("id").asText();
        new Batches(jobs.table()).createBatch(new dev.genapi.core.jobs.Batch(id, EXAMPLE_CALLER.map(Caller::scope), 2, java.time.Instant.now(),
                java.time.Instant.now().plusSeconds(3_600), null));
        jobs.createAll(List.of(
                jobs.newJob("job_" + "1".repeat(32), EXAMPLE_CALLER, "{}", null, id, 0, "first"),
                jobs.newJob("job_" + "2".repeat(32), EXAMPLE_CALLER, "{}", null, id, 1, null)));

        JsonNode batch = body(status.handleRequest(event, null));
        assertThat(batch.path("status").asText()).isEqualTo("RUNNING");
        assertThat(batch.path("counts").path("queued").asInt()).isEqualTo(2);
        assertThat(batch.path("jobs").get(0).path("customId").asText()).isEqualTo("first");
        assertThat(batch.path("jobs")).hasSize(2);
    }

    /** Runs the worker on a sample event's bytes, as Lambda's runtime hands them to a stream handler. */
    static JsonNode invokeWorker(String eventFile) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        worker.handleRequest(Files.newInputStream(Repository.root().resolve(eventFile)), response, null);
        return Json.parseBody(response.toString(StandardCharsets.UTF_8));
    }

    static JsonNode sample(String eventFile) throws IOException {
        return Json.MAPPER.readTree(Repository.root().resolve(eventFile).toFile());
    }

    @Test
    void workerBatchReportsOnlyTheMalformedRecord() throws IOException {
        JsonNode records = sample("events/worker-batch.json").path("Records");
        JsonNode response = invokeWorker("events/worker-batch.json");

        assertThat(response.path("batchItemFailures").findValuesAsText("itemIdentifier"))
                .containsExactly(records.get(9).path("messageId").asText());
        for (int i = 0; i < 9; i++) {
            String id = records.get(i).path("body").asText().replaceAll(".*\"jobId\": \"(job_[0-9a-f]{32})\".*", "$1");
            assertThat(jobs.find(id)).get().extracting(Job::status).isEqualTo(JobStatus.SUCCEEDED);
        }
    }

    @Test
    void aRedrivenMessageRunsItsDeadLetteredJobAgain() throws IOException {
        String id = "job_" + String.format("%032x", 0xdead01);
        Job job = jobs.newJob(id, Optional.empty(), "{\"prompt\": \"Write a limerick about retries.\"}", null, null, null, null);
        jobs.createIfAbsent(job);
        Job attempt = new JobAttempts(jobs.table()).startAttempt(id, java.time.Duration.ofSeconds(30)).orElseThrow();
        new JobAttempts(jobs.table()).fail(attempt, new JobError("model-error", "down", true), true);

        JsonNode response = invokeWorker("events/worker-redriven.json");

        assertThat(response.path("batchItemFailures")).isEmpty();
        Job redriven = jobs.find(id).orElseThrow();
        assertThat(redriven.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(redriven.deadLettered()).isFalse();
        assertThat(redriven.attempts()).isEqualTo(2);
    }
}
