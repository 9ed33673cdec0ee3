package dev.genapi.core.jobs;

import dev.genapi.core.config.Env;
import dev.genapi.core.webhooks.Callback;
import dev.genapi.core.webhooks.WebhookNotice;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Queues the callbacks a finished job makes due: its own, and its batch's once the batch's last job has
 * finished. The notice is sent before the round is marked queued, so a crash in between sends it twice
 * (deliveries carry an id for receivers to drop repeats) but never loses it. Jobs without callbacks cost
 * nothing; a job of a batch costs one read of its batch.
 */
public final class CompletionNotices {

    private final Callbacks callbacks;
    private final Batches batches;
    private final SqsClient sqs;
    private final String queueUrl;

    public CompletionNotices(JobsTable table, SqsClient sqs, String queueUrl) {
        this.callbacks = new Callbacks(table);
        this.batches = new Batches(table);
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** From WEBHOOK_QUEUE_URL (name as in template.yaml). */
    public static CompletionNotices from(Env env, JobsTable table, SqsClient sqs) {
        return new CompletionNotices(table, sqs, env.require("WEBHOOK_QUEUE_URL"));
    }

    /**
     * After a job has ended (SUCCEEDED, or FAILED for good or dead-lettered), and again on any later delivery
     * that finds it ended: queues what is due and not yet queued.
     *
     * @param job the job as it ended (its attempts and callback as the ending attempt saw them)
     * @throws software.amazon.awssdk.core.exception.SdkException when DynamoDB or SQS failed; calling again is safe
     */
    public void jobEnded(Job job) {
        if (job.callback() != null && job.callback().queuedRound() < job.round()) {
            queue(new WebhookNotice(WebhookNotice.Kind.JOB, job.id(), job.round()));
        }
        if (job.batchId() != null) {
            Optional<Batch> batch = batches.findBatch(job.batchId());
            Callback callback = batch.map(Batch::callback).orElse(null);
            if (callback != null && callback.queuedRound() == 0 && callbacks.countFinished(job.id(), job.batchId()) <= 0) {
                queue(new WebhookNotice(WebhookNotice.Kind.BATCH, job.batchId(), 1));
            }
        }
    }

    private void queue(WebhookNotice notice) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(notice.toJson()));
        callbacks.markQueued(notice);
    }
}
