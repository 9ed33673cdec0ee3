package dev.genapi.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.jobs.Batch;
import dev.genapi.core.jobs.BatchJson;
import dev.genapi.core.jobs.Batches;
import dev.genapi.core.jobs.Callbacks;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobJson;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.jobs.JobSummary;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Invocation;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Observation;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.queue.MessageVisibility;
import dev.genapi.core.queue.RetryBackoff;
import dev.genapi.core.random.Entropy;
import dev.genapi.core.queue.SqsMessage;
import dev.genapi.core.webhooks.Callback;
import dev.genapi.core.webhooks.WebhookNotice;
import dev.genapi.core.webhooks.WebhookSecrets;
import dev.genapi.core.webhooks.WebhookSignature;
import dev.genapi.core.webhooks.WebhookTargets.RefusedTarget;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Delivers one callback from one webhook-queue record: reads the job or batch, POSTs its status document,
 * signed with its owner's secret, and records the attempt on it. A 2xx delivers it; a redirect or another
 * 4xx is the receiver's refusal and ends it REFUSED; a 408, 429, 5xx, timeout or failed connection is tried
 * again with backoff (never sooner than the receiver's Retry-After) until the queue's maxReceiveCount, when it
 * ends FAILED and the message goes to the dead-letter queue, from which it can be redriven. A target genapi
 * does not call ends it REFUSED. Whatever happens, the job itself is never touched.
 */
final class WebhookDeliveries {

    /** Seconds before a batch whose index still lags its jobs is looked at again. */
    static final int INDEX_LAG_RETRY_SECONDS = 2;
    /** Seconds before a record whose DynamoDB or SQS call failed is tried again. */
    static final int AWS_FAILURE_RETRY_SECONDS = 10;

    private final JobStore jobs;
    private final Batches batches;
    private final Callbacks callbacks;
    private final WebhookSecrets secrets;
    private final WebhookPoster poster;
    private final MessageVisibility visibility;
    private final RetryBackoff backoff;
    private final WebhookConfig config;
    private final Telemetry telemetry;
    private final Clock clock;

    WebhookDeliveries(JobStore jobs, WebhookSecrets secrets, WebhookPoster poster, SqsClient sqs, WebhookConfig config,
                      Telemetry telemetry, Clock clock) {
        this.jobs = jobs;
        this.batches = new Batches(jobs.table());
        this.callbacks = new Callbacks(jobs.table());
        this.secrets = secrets;
        this.poster = poster;
        this.visibility = new MessageVisibility(sqs, config.queueUrl());
        this.backoff = new RetryBackoff(config.retryBaseDelay(), config.retryMaxDelay(), Entropy.generator());
        this.config = config;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** A document to send, with its owner and callback. */
    private record Subject(Optional<String> owner, Callback callback, ObjectNode document, boolean complete) {
    }

    /** @return true when SQS must deliver the record again */
    boolean process(SqsMessage record, Invocation invocation) {
        Observation observation = telemetry.begin("webhook", invocation).set("messageId", record.messageId())
                .set("receiveCount", record.receiveCount());
        try {
            return process(record, observation);
        } catch (SdkException e) {
            Log.warn("DynamoDB or SQS failed; the callback is tried again soon", e, "messageId", record.messageId());
            visibility.set(record, AWS_FAILURE_RETRY_SECONDS);
            return ended(observation, "awsFailed", true);
        } finally {
            telemetry.end(observation);
        }
    }

    private boolean process(SqsMessage record, Observation observation) {
        Optional<WebhookNotice> parsed = WebhookNotice.parse(record.body());
        if (parsed.isEmpty()) {
            Log.info("a malformed webhook message goes to the dead-letter queue", "messageId", record.messageId());
            visibility.set(record, 0);
            return ended(observation, "malformed", true);
        }
        WebhookNotice notice = parsed.get();
        observation.set(notice.kind() == WebhookNotice.Kind.JOB ? "jobId" : "batchId", notice.id())
                .set("round", notice.round());
        Optional<Subject> found = subject(notice);
        if (found.isEmpty() || found.get().callback() == null) {
            return ended(observation, "gone", false); // expired, or never had a callback: nothing to deliver
        }
        Subject subject = found.get();
        subject.owner().ifPresent(owner -> observation.set("caller", owner));
        Callback callback = subject.callback();
        if (callback.queuedRound() > notice.round() || (callback.queuedRound() == notice.round() && settled(callback))) {
            return ended(observation, "duplicate", false);
        }
        // The batch index has not caught up with its jobs yet: look again soon, but never so often that the
        // notice runs out of deliveries (then the document goes as the index shows it).
        if (!subject.complete() && record.receiveCount() < config.maxReceiveCount() - 1) {
            visibility.set(record, INDEX_LAG_RETRY_SECONDS);
            return ended(observation, "indexLag", true);
        }
        OptionalInt attemptsSoFar = callbacks.claim(notice, record.messageId());
        if (attemptsSoFar.isEmpty()) {
            return ended(observation, "duplicate", false); // another notice of this round is delivering it
        }
        return deliver(notice, subject, attemptsSoFar.getAsInt() + 1, record, observation);
    }

    private boolean deliver(WebhookNotice notice, Subject subject, int attempt, SqsMessage record, Observation observation) {
        // The document as GET shows it, less its own callback, whose delivery state means nothing to the receiver.
        byte[] body = Json.write(subject.document().without("callback")).getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookSignature.ID_HEADER, notice.deliveryId());
        headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secrets.forScope(subject.owner()), timestamp, body));
        WebhookPoster.Answer answer;
        try {
            answer = poster.post(subject.callback().url(), headers, body);
        } catch (RefusedTarget refused) {
            callbacks.recordAttempt(notice, record.messageId(), Callback.State.REFUSED, 0, "callbackUrl " + refused.getMessage());
            return ended(observation, "refused", false);
        } catch (WebhookPoster.Unreachable unreachable) {
            return retryOrFail(notice, record, attempt, 0, unreachable.getMessage(), -1, observation);
        }
        int status = answer.status();
        observation.set("status", status);
        if (status >= 200 && status < 300) {
            callbacks.recordAttempt(notice, record.messageId(), Callback.State.DELIVERED, status, null);
            return ended(observation, "delivered", false);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return retryOrFail(notice, record, attempt, status, "the receiver answered " + status, answer.retryAfterSeconds(),
                    observation);
        }
        String why = status >= 300 && status < 400 ? "the receiver redirected (" + status + "); redirects are not followed"
                : "the receiver refused it (" + status + ")";
        callbacks.recordAttempt(notice, record.messageId(), Callback.State.REFUSED, status, why);
        return ended(observation, "refused", false);
    }

    private boolean retryOrFail(WebhookNotice notice, SqsMessage record, int attempt, int status, String why,
                                int retryAfterSeconds, Observation observation) {
        if (record.receiveCount() >= config.maxReceiveCount()) {
            callbacks.recordAttempt(notice, record.messageId(), Callback.State.FAILED, status, why + "; gave up after " + attempt + " attempts");
            visibility.set(record, 0); // the next receive moves it to the dead-letter queue
            return ended(observation, "deadLettered", true);
        }
        callbacks.recordAttempt(notice, record.messageId(), Callback.State.RETRYING, status, why);
        visibility.set(record, backoff.seconds(attempt, retryAfterSeconds < 0 ? null : retryAfterSeconds));
        return ended(observation, "retrying", true);
    }

    private Optional<Subject> subject(WebhookNotice notice) {
        if (notice.kind() == WebhookNotice.Kind.JOB) {
            return jobs.find(notice.id()).map((Job job) -> new Subject(job.caller().map(c -> c.scope()), job.callback(),
                    JobJson.of(job), true));
        }
        return batches.findBatch(notice.id()).map((Batch batch) -> {
            List<JobSummary> all = batches.batchJobs(batch.id());
            return new Subject(batch.caller(), batch.callback(),
                    BatchJson.of(batch, all, -1, BatchJson.DEFAULT_PAGE_SIZE), BatchJson.completed(batch, all));
        });
    }

    /** Delivered or refused (by genapi or the receiver): nothing a repeat could change. A FAILED one may be redriven. */
    private static boolean settled(Callback callback) {
        return callback.state() == Callback.State.DELIVERED || callback.state() == Callback.State.REFUSED;
    }

    private static boolean ended(Observation observation, String outcome, boolean deliverAgain) {
        observation.set("outcome", outcome).count(Metric.WEBHOOK_DELIVERIES, 1);
        return deliverAgain;
    }


}
