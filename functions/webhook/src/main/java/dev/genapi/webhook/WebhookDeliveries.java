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
import dev.genapi.core.queue.Disposition;
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
 * does not call ends it REFUSED. Whatever happens, the job itself is never touched. {@link WebhookPolicy} decides
 * each outcome; this class reads, posts, records and tells SQS.
 */
final class WebhookDeliveries {

    private final JobStore jobs;
    private final Batches batches;
    private final Callbacks callbacks;
    private final WebhookSecrets secrets;
    private final WebhookPoster poster;
    private final MessageVisibility visibility;
    private final WebhookPolicy policy;
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
        this.policy = new WebhookPolicy(config.maxReceiveCount(),
                new RetryBackoff(config.retryBaseDelay(), config.retryMaxDelay(), Entropy.generator()));
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** A document to send, with its owner and callback. */
    private record Subject(Optional<String> owner, Callback callback, ObjectNode document, boolean complete) {
    }

    Disposition process(SqsMessage record, Invocation invocation) {
        Observation observation = telemetry.begin("webhook", invocation).set("messageId", record.messageId())
                .set("receiveCount", record.receiveCount());
        try {
            return process(record, observation);
        } catch (SdkException e) {
            Log.warn("DynamoDB or SQS failed; the callback is tried again soon", e, "messageId", record.messageId());
            return finish(record, observation, policy.awsFailed());
        } finally {
            telemetry.end(observation);
        }
    }

    private Disposition process(SqsMessage record, Observation observation) {
        Optional<WebhookNotice> parsed = WebhookNotice.parse(record.body());
        if (parsed.isEmpty()) {
            Log.info("a malformed webhook message goes to the dead-letter queue", "messageId", record.messageId());
            return finish(record, observation, policy.malformed());
        }
        WebhookNotice notice = parsed.get();
        observation.set(notice.kind() == WebhookNotice.Kind.JOB ? "jobId" : "batchId", notice.id())
                .set("round", notice.round());
        Optional<Subject> found = subject(notice);
        if (found.isEmpty() || found.get().callback() == null) {
            return finish(record, observation, policy.gone()); // expired, or never had a callback
        }
        Subject subject = found.get();
        subject.owner().ifPresent(owner -> observation.set("caller", owner));
        // When the batch index lags its jobs, the notice runs out of deliveries never: it goes as the index shows it.
        WebhookPolicy.Decision early = policy.beforeDelivery(notice.round(), subject.callback(), subject.complete(),
                record.receiveCount());
        if (early != null) {
            return finish(record, observation, early);
        }
        OptionalInt attemptsSoFar = callbacks.claim(notice, record.messageId());
        if (attemptsSoFar.isEmpty()) {
            return finish(record, observation, policy.duplicate()); // another notice of this round is delivering it
        }
        return deliver(notice, subject, attemptsSoFar.getAsInt() + 1, record, observation);
    }

    private Disposition deliver(WebhookNotice notice, Subject subject, int attempt, SqsMessage record,
                                Observation observation) {
        // The document as GET shows it, less its own callback, whose delivery state means nothing to the receiver.
        byte[] body = Json.write(subject.document().without("callback")).getBytes(StandardCharsets.UTF_8);
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookSignature.ID_HEADER, notice.deliveryId());
        headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secrets.forScope(subject.owner()), timestamp, body));
        WebhookPolicy.Decision decision;
        int status;
        String why;
        try {
            WebhookPoster.Answer answer = poster.post(subject.callback().url(), headers, body);
            status = answer.status();
            observation.set("status", status);
            decision = policy.answered(status, answer.retryAfterSeconds(), attempt, record.receiveCount());
            why = status >= 200 && status < 300 ? null
                    : status >= 300 && status < 400 ? "the receiver redirected (" + status + "); redirects are not followed"
                    : decision.recorded() == Callback.State.REFUSED ? "the receiver refused it (" + status + ")"
                    : "the receiver answered " + status;
        } catch (RefusedTarget refused) {
            status = 0;
            decision = policy.refusedTarget();
            why = "callbackUrl " + refused.getMessage();
        } catch (WebhookPoster.Unreachable unreachable) {
            status = 0;
            decision = policy.answered(0, -1, attempt, record.receiveCount());
            why = unreachable.getMessage();
        }
        if (decision.recorded() == Callback.State.FAILED) {
            why += "; gave up after " + attempt + " attempts";
        }
        callbacks.recordAttempt(notice, record.messageId(), decision.recorded(), status, why);
        return finish(record, observation, decision);
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

    /** Sets when the notice comes back, records the outcome, and tells SQS. */
    private Disposition finish(SqsMessage record, Observation observation, WebhookPolicy.Decision decision) {
        if (decision.visibilitySeconds() != null) {
            visibility.set(record, decision.visibilitySeconds());
        }
        observation.set("outcome", decision.outcome()).count(Metric.WEBHOOK_DELIVERIES, 1);
        return decision.disposition();
    }


}
