package dev.genapi.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.genapi.core.config.Env;
import dev.genapi.core.jobs.Ids;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The worker when its own dependencies fail: the record comes back soon, and nothing escapes the handler. */
@ExtendWith(AwsEmulators.class)
class WorkerFailuresIT {

    @Test
    void whenTheJobsTableIsDownTheRecordIsReportedAndRetriedSoon(AwsBackend backend) {
        try (FakeGemini gemini = FakeGemini.start()) {
            Map<String, String> env = backend.environment("WorkerFunction", gemini);
            env.put("JOBS_TABLE", "no-such-table");
            WorkerHandler worker = new WorkerHandler(new Env(env));

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
                    .as("back after about " + JobProcessor.AWS_FAILURE_RETRY_SECONDS + " s, not the queue's 90 minutes")
                    .isLessThan(JobProcessor.AWS_FAILURE_RETRY_SECONDS + 5);
            backend.sqs().deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(again.receiptHandle()));
        }
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
