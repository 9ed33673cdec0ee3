package dev.genapi.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.genapi.core.queue.MessageVisibility;
import dev.genapi.core.config.Env;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.local.sqs.SqsFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.FaultyDynamoDb;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The worker when its own dependencies fail: the record comes back soon, and nothing escapes the handler. */
@ExtendWith(AwsEmulators.class)
class WorkerFailuresIT {

    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();

    FaultyDynamoDb dynamo;
    SqsFunction worker;
    JobStore jobs;
    String maxReceiveCount;

    /** A worker whose DynamoDB sits behind the fault-injecting proxy, which fails every result write. */
    @BeforeEach
    void workerBehindFaultyDynamoDb(AwsBackend backend) {
        gemini.reset();
        dynamo = FaultyDynamoDb.in(backend.dynamoDbEndpoint());
        Map<String, String> env = backend.environment("WorkerFunction", gemini);
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
        worker = new SqsFunction(new WorkerHandler(new Env(env)));
        jobs = JobStore.from(new Env(env), backend.dynamoDb(), java.time.Clock.systemUTC());
        maxReceiveCount = env.get("MAX_RECEIVE_COUNT");
        dynamo.failWhen((operation, body) -> operation.equals("UpdateItem") && body.contains("SUCCEEDED"));
    }

    @AfterEach
    void closeProxy() {
        dynamo.close();
    }

    @Test
    void whenTheJobsTableIsDownTheRecordIsReportedAndRetriedSoon(AwsBackend backend) {
        Map<String, String> env = backend.environment("WorkerFunction", gemini);
        env.put("JOBS_TABLE", "no-such-table");
        SqsFunction worker = new SqsFunction(new WorkerHandler(new Env(env)));

        String queueUrl = backend.queueUrl("JobsQueue");
        String marker = UUID.randomUUID().toString();
        backend.sqs().sendMessage(r -> r.queueUrl(queueUrl).messageBody(
                "{\"jobId\": \"" + Ids.newJobId() + "\", \"request\": {\"prompt\": \"" + marker + "\"}}"));
        Message message = receiveOwn(backend, queueUrl, marker);

        SQSBatchResponse response = worker.handleRequest(event(message), null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(message.messageId());
        assertThat(gemini.callCount()).isZero();
        assertThat(backend.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
                .messages()).as("hidden for now").noneMatch(m -> m.body().contains(marker));
        long start = System.nanoTime();
        Message again = receiveOwn(backend, queueUrl, marker);
        assertThat((System.nanoTime() - start) / 1_000_000_000)
                .as("back after about " + MessageVisibility.AWS_FAILURE_RETRY_SECONDS + " s, not the queue's 90 minutes")
                .isLessThan(MessageVisibility.AWS_FAILURE_RETRY_SECONDS + 5);
        backend.sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(again.receiptHandle()));
    }

    @Test
    void whenStoringTheResultFailsTheJobIsReleasedAndTheNextDeliveryFinishesIt() {
        String jobId = Ids.newJobId();
        SQSEvent delivery = event(jobId, "1");
        SQSBatchResponse failed = worker.handleRequest(delivery, null);

        assertThat(dynamo.failures()).isPositive();
        assertThat(failed.getBatchItemFailures()).hasSize(1);
        var released = jobs.find(jobId).orElseThrow();
        assertThat(released.status()).as("released, not RUNNING under its lease").isEqualTo(JobStatus.QUEUED);
        assertThat(released.error().code()).isEqualTo("service-unavailable");

        dynamo.failWhen((operation, body) -> false);
        assertThat(worker.handleRequest(event(jobId, "2"), null).getBatchItemFailures()).isEmpty();
        assertThat(jobs.find(jobId).orElseThrow().status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void whenStoringFailsOnTheLastDeliveryTheJobIsDeadLettered() {
        String jobId = Ids.newJobId();
        worker.handleRequest(event(jobId, maxReceiveCount), null);

        var job = jobs.find(jobId).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.deadLettered()).isTrue();
    }

    /** A delivery of a producer's message for {@code jobId}, the {@code receiveCount}th. */
    private static SQSEvent event(String jobId, String receiveCount) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(UUID.randomUUID().toString());
        record.setReceiptHandle("not-a-real-handle");
        record.setBody("{\"jobId\": \"" + jobId + "\", \"request\": {\"prompt\": \"stored later\"}}");
        record.setAttributes(Map.of("ApproximateReceiveCount", receiveCount));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }

    /** Receives this test's message, letting any other go at once. */
    private static Message receiveOwn(AwsBackend backend, String queueUrl, String marker) {
        for (int i = 0; i < 30; i++) {
            List<Message> messages = backend.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            for (Message message : messages) {
                if (message.body().contains(marker)) {
                    return message;
                }
                backend.sqs().changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                        .visibilityTimeout(0));
            }
        }
        throw new AssertionError("own message not received");
    }

    private static SQSEvent event(Message message) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(message.messageId());
        record.setReceiptHandle(message.receiptHandle());
        record.setBody(message.body());
        record.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }
}
