package dev.genapi.core.queue;

import dev.genapi.core.log.Log;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * When a record handled with a reported failure comes back: its visibility timeout, set on its queue. Best
 * effort: should SQS refuse, the record returns after the queue's own visibility timeout, and nothing is lost.
 */
public final class MessageVisibility {

    /** Seconds before a record whose DynamoDB or SQS call failed is delivered again, for every consumer. */
    public static final int AWS_FAILURE_RETRY_SECONDS = 10;

    private final SqsClient sqs;
    private final String queueUrl;

    public MessageVisibility(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** The record returns in {@code seconds} (0: at once, or to the dead-letter queue on its last receive). */
    public void set(SqsMessage record, int seconds) {
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(record.receiptHandle())
                    .visibilityTimeout(seconds));
        } catch (SdkException e) {
            Log.warn("the message's visibility could not be set; it returns after the queue's visibility timeout", e,
                    "messageId", record.messageId());
        }
    }
}
