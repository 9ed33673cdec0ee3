package dev.genapi.core.jobs;

import dev.genapi.core.generation.Deadline;
import dev.genapi.core.observe.TraceHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** The jobs queue, from the sending side. */
public final class JobQueue {

    /** How many times a batch entry SQS refused is sent again before it counts as failed. */
    static final int BATCH_ATTEMPTS = 4;

    private final SqsClient sqs;
    private final String queueUrl;

    public JobQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** @throws software.amazon.awssdk.core.exception.SdkException when SQS did not take it */
    public void send(JobMessage message) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message.toJson()).messageSystemAttributesWithStrings(trace()));
    }

    /**
     * Sends with SendMessageBatch, 10 a call, sending refused entries again; a call that fails whole counts
     * all its entries as refused. Nothing more is sent once {@code deadline} has passed.
     *
     * @return the job ids that could not be queued (never silently dropped)
     */
    public List<String> sendAll(List<JobMessage> messages, Deadline deadline) {
        List<String> failed = new ArrayList<>();
        for (int start = 0; start < messages.size(); start += 10) {
            List<JobMessage> pending = new ArrayList<>(messages.subList(start, Math.min(messages.size(), start + 10)));
            for (int attempt = 1; !pending.isEmpty() && attempt <= BATCH_ATTEMPTS && !deadline.passed();
                 attempt++) {
                pause(attempt);
                pending = sendOnce(pending);
            }
            pending.forEach(m -> failed.add(m.jobId()));
        }
        return failed;
    }

    /** @return the messages SQS did not take */
    private List<JobMessage> sendOnce(List<JobMessage> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .messageBody(batch.get(i).toJson()).messageSystemAttributesWithStrings(trace()).build());
        }
        SendMessageBatchResponse response;
        try {
            response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            return batch;
        }
        List<JobMessage> refused = new ArrayList<>();
        for (BatchResultErrorEntry error : response.failed()) {
            refused.add(batch.get(Integer.parseInt(error.id())));
        }
        return refused;
    }

    /** The sender's trace, which the worker's record names, to link a job's attempts to its submit. */
    private static Map<String, MessageSystemAttributeValue> trace() {
        return TraceHeader.current().map(trace -> Map.of("AWSTraceHeader", MessageSystemAttributeValue.builder()
                .dataType("String").stringValue(trace.header()).build())).orElse(Map.of());
    }

    private static void pause(int attempt) {
        if (attempt > 1) {
            try {
                Thread.sleep(100L << (attempt - 2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
