package dev.genapi.jobs;

import static dev.genapi.testing.ApiEvents.body;
import static dev.genapi.testing.ApiEvents.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Digests;
import dev.genapi.local.Redrive;
import dev.genapi.testing.AsyncStack;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.FakeGemini;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Asynchronous generation end to end on a backend: submit, the real queue with its redrive policy, the
 * worker fed by the SQS event source, the status API, batches and producers. Every test uses prompts of its
 * own (a marker), so model calls are counted per test even though tests share the queue.
 */
abstract class AsyncJobsContract {

    static final Duration WAIT = Duration.ofSeconds(30);
    static FakeGemini gemini;
    AsyncStack stack;
    String marker;
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
    void start() {
        // No backoff, so retries come at once; a short lease, so a deferred duplicate returns quickly.
        stack = new AsyncStack(backend(), gemini, Map.of("RETRY_BASE_DELAY_SECONDS", "0", "JOB_LEASE_SECONDS", "3"));
        marker = UUID.randomUUID().toString();
        caller = "caller-" + marker;
    }

    @AfterEach
    void stop() {
        stack.close();
        gemini.reset();
    }

    String prompt(String text) {
        return "{\"prompt\": \"" + text + " " + marker + "\"}";
    }

    APIGatewayProxyResponseEvent submit(String body, String... headers) {
        return stack.post("/v1/jobs", body, caller, headers);
    }

    String submitted(APIGatewayProxyResponseEvent response) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        return body(response).path("id").asText();
    }

    int queueDepth(String queue) {
        var attributes = backend().sqs().getQueueAttributes(r -> r.queueUrl(backend().queueUrl(queue))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    List<Message> deadLetters() {
        return backend().sqs().receiveMessage(r -> r.queueUrl(backend().queueUrl("JobsDeadLetterQueue"))
                .maxNumberOfMessages(10).visibilityTimeout(0).waitTimeSeconds(1)).messages();
    }

    @Test
    void submitPollSucceedAndAnIdenticalSubmitIsServedFromTheCacheWithoutAMessage() {
        var accepted = submit(prompt("async"));
        String id = submitted(accepted);
        JsonNode body = body(accepted);
        assertThat(body.path("status").asText()).isEqualTo("QUEUED");
        assertThat(header(accepted, "Location")).isEqualTo("/v1/jobs/" + id).isEqualTo(body.path("statusUrl").asText());
        assertThat(header(accepted, "Retry-After")).isEqualTo("2");
        assertThat(id).matches("job_[0-9a-f]{32}");

        JsonNode job = stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT);
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
        assertThat(job.path("deadLettered").asBoolean()).isFalse();
        JsonNode result = job.path("result");
        for (String field : new String[] {"id", "model", "output", "finishReason", "usage", "cached", "createdAt"}) {
            assertThat(result.has(field)).as(field).isTrue();
        }
        assertThat(result.path("output").asText()).startsWith("Fake Gemini answer");
        assertThat(result.path("usage").path("costUsd").decimalValue()).as("7 in, 5 out at flash's price")
                .isEqualByComparingTo("0.0000146");
        assertThat(gemini.callCount(marker)).isEqualTo(1);

        var again = submit(prompt("async"));
        String secondId = submitted(again);
        assertThat(body(again).path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode cached = body(stack.job(secondId, caller));
        assertThat(cached.path("attempts").asInt()).as("no worker ever ran it").isZero();
        assertThat(cached.path("result").path("cached").asBoolean()).isTrue();
        assertThat(cached.path("result").path("output")).isEqualTo(result.path("output"));
        assertThat(cached.path("result").path("usage").path("costUsd").decimalValue()).isZero();
        assertThat(cached.path("result").path("usage").path("savedUsd").decimalValue()).isEqualByComparingTo("0.0000146");
        AsyncStack.sleep(Duration.ofSeconds(1));
        assertThat(gemini.callCount(marker)).isEqualTo(1);
    }

    @Test
    void aJobFailingOnEveryAttemptIsDeadLetteredThenRedrivenToSuccess() {
        int maxReceiveCount = Integer.parseInt(backend().template().parameter("MaxReceiveCount"));
        for (int i = 0; i < maxReceiveCount; i++) {
            gemini.then(FakeGemini.error(500, "INTERNAL", "down"));
        }
        String id = submitted(submit(prompt("doomed")));

        JsonNode failed = stack.awaitJob(id, caller, job -> job.path("deadLettered").asBoolean(), WAIT);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("attempts").asInt()).isEqualTo(maxReceiveCount);
        assertThat(failed.path("error").path("code").asText()).isEqualTo("model-error");
        assertThat(failed.path("error").path("retryable").asBoolean()).isTrue();
        assertThat(gemini.callCount(marker)).isEqualTo(maxReceiveCount);
        awaitTrue(() -> deadLetters().stream().anyMatch(m -> m.body().contains(id)), "the message reaches the DLQ");

        // The model recovers (no more scripted failures); an operator redrives.
        Redrive.run(backend().sqs(), backend().template());
        JsonNode redriven = stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT);
        assertThat(redriven.path("deadLettered").asBoolean()).isFalse();
        assertThat(redriven.path("attempts").asInt()).isEqualTo(maxReceiveCount + 1);
        assertThat(gemini.callCount(marker)).isEqualTo(maxReceiveCount + 1);
    }

    @Test
    void aRequestTheModelRejectsFailsAfterOneCallAndIsNotRedelivered() {
        gemini.then(FakeGemini.error(400, "INVALID_ARGUMENT", "Unsupported stop sequence"));
        String id = submitted(submit(prompt("rejected")));
        JsonNode job = stack.awaitJobStatus(id, caller, "FAILED", WAIT);
        assertThat(job.path("error").path("code").asText()).isEqualTo("model-rejected-request");
        assertThat(job.path("error").path("message").asText()).contains("Unsupported stop sequence");
        assertThat(job.path("error").path("retryable").asBoolean()).isFalse();
        assertThat(job.path("deadLettered").asBoolean()).isFalse();
        AsyncStack.sleep(Duration.ofSeconds(2));
        assertThat(gemini.callCount(marker)).isEqualTo(1);
        assertThat(body(stack.job(id, caller)).path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void anAnswerTheSafetyFiltersStoppedEndsTheJobFailedAfterOneCall() {
        gemini.then(FakeGemini.finished("partial", "SAFETY"));
        String id = submitted(submit(prompt("filtered")));
        JsonNode job = stack.awaitJobStatus(id, caller, "FAILED", WAIT);
        assertThat(job.path("error").path("code").asText()).isEqualTo("content-blocked");
        assertThat(job.path("error").path("retryable").asBoolean()).isFalse();
        assertThat(gemini.callCount(marker)).isEqualTo(1);
    }

    @Test
    void anAnswerTooLargeToKeepEndsTheJobFailedAfterOneCall() {
        gemini.then(FakeGemini.text("x".repeat(360 * 1024)));
        String id = submitted(submit(prompt("huge")));
        JsonNode job = stack.awaitJobStatus(id, caller, "FAILED", WAIT);
        assertThat(job.path("error").path("code").asText()).isEqualTo("result-too-large");
        AsyncStack.sleep(Duration.ofSeconds(1));
        assertThat(gemini.callCount(marker)).isEqualTo(1);
    }

    @Test
    void aProducersJobWithoutAnIdIsRedrivenUnderTheSameId() {
        int maxReceiveCount = Integer.parseInt(backend().template().parameter("MaxReceiveCount"));
        for (int i = 0; i < maxReceiveCount; i++) {
            gemini.then(FakeGemini.error(503, "UNAVAILABLE", "down"));
        }
        String messageId = backend().sqs().sendMessage(r -> r.queueUrl(backend().queueUrl("JobsQueue"))
                .messageBody("{\"request\": " + prompt("no id, redriven") + "}")).messageId();
        String id = "job_" + Digests.sha256Hex(messageId).substring(0, 32);
        stack.awaitJob(id, caller, job -> job.path("deadLettered").asBoolean(), WAIT);
        awaitTrue(() -> deadLetters().stream().anyMatch(m -> m.body().contains(id)), "the DLQ message names the job");

        Redrive.run(backend().sqs(), backend().template());
        assertThat(stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT).path("attempts").asInt()).isEqualTo(maxReceiveCount + 1);
    }

    @Test
    void aRateLimitedJobWaitsAtLeastTheModelsRetryAfter() {
        gemini.then(FakeGemini.error(429, "RESOURCE_EXHAUSTED", "slow down").withHeader("Retry-After", "5"));
        String id = submitted(submit(prompt("rate limited")));

        JsonNode waiting = stack.awaitJob(id, caller, job -> job.path("attempts").asInt() == 1
                && job.path("status").asText().equals("QUEUED"), WAIT);
        assertThat(waiting.path("error").path("code").asText()).isEqualTo("model-rate-limited");
        stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT);

        List<Long> calls = gemini.callTimes(marker);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1) - calls.get(0)).isGreaterThanOrEqualTo(5_000);
    }

    @Test
    void theSameMessageDeliveredTwiceMakesOneModelCall() {
        String id = submitted(submit(prompt("twice")));
        stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT);
        String queueUrl = backend().queueUrl("JobsQueue");
        backend().sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"jobId\": \"" + id + "\"}"));
        awaitTrue(() -> queueDepth("JobsQueue") == 0, "the duplicate is consumed");
        assertThat(gemini.callCount(marker)).isEqualTo(1);
    }

    @Test
    void twoConcurrentDeliveriesOfOneJobMakeOneModelCall() {
        gemini.then(FakeGemini.text("slow answer " + marker).after(Duration.ofMillis(1_500)));
        String jobId = "job_" + marker.replace("-", "");
        String message = "{\"jobId\": \"" + jobId + "\", \"caller\": \"apikey:" + caller
                + "\", \"request\": " + prompt("concurrent") + "}";
        backend().sqs().sendMessageBatch(r -> r.queueUrl(backend().queueUrl("JobsQueue")).entries(
                SendMessageBatchRequestEntry.builder().id("a").messageBody(message).build(),
                SendMessageBatchRequestEntry.builder().id("b").messageBody(message).build()));

        stack.awaitJobStatus(jobId, caller, "SUCCEEDED", WAIT);
        awaitTrue(() -> queueDepth("JobsQueue") == 0, "both deliveries are acknowledged");
        assertThat(gemini.callCount(marker)).isEqualTo(1);
        assertThat(body(stack.job(jobId, caller)).path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aBatchOfTenWithOneMalformedRecordSucceedsNineAndDeadLettersTheBadOne() {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String id = "job_" + Digests.sha256Hex(marker + i).substring(0, 32);
            ids.add(id);
            entries.add(SendMessageBatchRequestEntry.builder().id("m" + i)
                    .messageBody("{\"jobId\": \"" + id + "\", \"request\": " + prompt("nine " + i) + "}").build());
        }
        String malformed = "not json at all " + marker;
        entries.add(SendMessageBatchRequestEntry.builder().id("bad").messageBody(malformed).build());
        backend().sqs().sendMessageBatch(r -> r.queueUrl(backend().queueUrl("JobsQueue")).entries(entries));

        for (String id : ids) {
            stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT);
        }
        awaitTrue(() -> deadLetters().stream().anyMatch(m -> m.body().equals(malformed)), "the malformed one is in the DLQ");
        assertThat(gemini.callCount(marker)).isEqualTo(9);
    }

    @Test
    void aThousandRequestBatchEndsWithEveryJobTerminalAndNothingLost() {
        StringBuilder requests = new StringBuilder("{\"requests\": [");
        for (int i = 0; i < 1000; i++) {
            requests.append(i == 0 ? "" : ",").append("{\"customId\": \"r").append(i).append("\", \"prompt\": \"item ")
                    .append(i).append(' ').append(marker).append("\"}");
        }
        var accepted = stack.post("/v1/batches", requests.append("]}").toString(), caller);
        assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(202);
        JsonNode batch = body(accepted);
        assertThat(batch.path("total").asInt()).isEqualTo(1000);
        assertThat(batch.path("queued").asInt()).isEqualTo(1000);
        String batchId = batch.path("id").asText();
        assertThat(header(accepted, "Location")).isEqualTo("/v1/batches/" + batchId);

        JsonNode status = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            status = body(stack.get("/v1/batches/{id}", batchId, caller, Map.of()));
            if (status.path("status").asText().equals("COMPLETED")) {
                break;
            }
            // A status read lists the whole batch (1000 items from its index): read it every few seconds, not
            // faster, or on an emulator serving one request at a time the reads crowd out the workers' writes.
            AsyncStack.sleep(Duration.ofSeconds(3));
        }
        assertThat(status.path("status").asText()).as(String.valueOf(status)).isEqualTo("COMPLETED");
        JsonNode counts = status.path("counts");
        assertThat(counts.path("succeeded").asInt() + counts.path("failed").asInt() + counts.path("queued").asInt()
                + counts.path("running").asInt()).isEqualTo(1000);
        assertThat(counts.path("succeeded").asInt()).isEqualTo(1000);

        Set<String> ids = new HashSet<>();
        Set<String> customIds = new HashSet<>();
        String token = null;
        do {
            Map<String, String> query = token == null ? Map.of("limit", "300") : Map.of("limit", "300", "nextToken", token);
            JsonNode page = body(stack.get("/v1/batches/{id}", batchId, caller, query));
            page.path("jobs").forEach(job -> {
                ids.add(job.path("id").asText());
                customIds.add(job.path("customId").asText());
                assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
            });
            token = page.hasNonNull("nextToken") ? page.path("nextToken").asText() : null;
        } while (token != null);
        assertThat(ids).hasSize(1000);
        assertThat(customIds).hasSize(1000).contains("r0", "r999");
        assertThat(gemini.callCount(marker)).isEqualTo(1000);
    }

    @Test
    void aMessageFromAProducerBecomesAJobTheStatusApiShows() {
        String jobId = "job_" + Digests.sha256Hex(marker).substring(0, 32);
        backend().sqs().sendMessage(r -> r.queueUrl(backend().queueUrl("JobsQueue")).messageBody(
                "{\"jobId\": \"" + jobId + "\", \"customId\": \"nightly-42\", \"request\": " + prompt("producer") + "}"));
        JsonNode job = stack.awaitJobStatus(jobId, caller, "SUCCEEDED", WAIT);
        assertThat(job.path("customId").asText()).isEqualTo("nightly-42");
        assertThat(job.path("result").path("output").asText()).isNotEmpty();

        // Without a jobId, the job's id comes from the message id SQS returned to the producer.
        String messageId = backend().sqs().sendMessage(r -> r.queueUrl(backend().queueUrl("JobsQueue"))
                .messageBody("{\"request\": " + prompt("anonymous producer") + "}")).messageId();
        stack.awaitJobStatus("job_" + Digests.sha256Hex(messageId).substring(0, 32), caller, "SUCCEEDED", WAIT);
    }

    @Test
    void anIdempotencyKeyReplaysTheSameJobAndRefusesAnotherBody() throws Exception {
        String key = "key-" + marker;
        String first = submitted(submit(prompt("idempotent"), "Idempotency-Key", key));
        String replay = submitted(submit(" { \"prompt\" : \"idempotent " + marker + "\" } ", "Idempotency-Key", key));
        assertThat(replay).isEqualTo(first);
        stack.awaitJobStatus(first, caller, "SUCCEEDED", WAIT);
        AsyncStack.sleep(Duration.ofMillis(500));
        assertThat(gemini.callCount(marker)).isEqualTo(1);

        var conflict = submit(prompt("something else"), "Idempotency-Key", key);
        assertThat(conflict.getStatusCode()).isEqualTo(422);
        assertThat(header(conflict, "Content-Type")).isEqualTo("application/problem+json");
        assertThat(body(conflict).path("type").asText()).isEqualTo("urn:genapi:problem:idempotency-key-reused");

        // The same key from another caller is another key.
        assertThat(submitted(stack.post("/v1/jobs", prompt("idempotent"), "other-" + caller, "Idempotency-Key", key)))
                .isNotEqualTo(first);
    }

    @Test
    void racingRequestsWithOneIdempotencyKeyGetOneJob() throws Exception {
        String key = "race-" + marker;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> racers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racers.add(() -> submitted(submit(prompt("race"), "Idempotency-Key", key)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> id : pool.invokeAll(racers)) {
                ids.add(id.get());
            }
            assertThat(ids).hasSize(1);
            stack.awaitJobStatus(ids.iterator().next(), caller, "SUCCEEDED", WAIT);
            AsyncStack.sleep(Duration.ofMillis(500));
            assertThat(gemini.callCount(marker)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anotherCallersJobIsTheSame404AsAnUnknownOne() {
        String id = submitted(submit(prompt("mine")));
        var theirs = stack.job(id, "someone-else");
        var unknown = stack.job("job_" + "0".repeat(32), "someone-else");
        var malformedId = stack.job("not-a-job-id", "someone-else");
        for (var response : List.of(theirs, unknown, malformedId)) {
            assertThat(response.getStatusCode()).isEqualTo(404);
            assertThat(body(response).path("type").asText()).isEqualTo("urn:genapi:problem:not-found");
            assertThat(body(response).path("title").asText()).isEqualTo("Not found");
        }
        assertThat(stack.job(id, caller).getStatusCode()).isEqualTo(200);
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            AsyncStack.sleep(Duration.ofMillis(200));
        }
        throw new AssertionError("timed out waiting until " + what);
    }
}
