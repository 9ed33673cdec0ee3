package dev.genapi.worker;

import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.encoding.Digests;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.Deadline;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.generation.GenerationResult;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.CompletionNotices;
import dev.genapi.core.jobs.JobAttempts;
import dev.genapi.core.jobs.JobError;
import dev.genapi.core.jobs.JobMessage;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Invocation;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Observation;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.observe.TraceHeader;
import dev.genapi.core.problem.ProblemException;
import dev.genapi.core.queue.Disposition;
import dev.genapi.core.queue.MessageVisibility;
import dev.genapi.core.queue.RetryBackoff;
import dev.genapi.core.queue.SqsMessage;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.usage.BudgetExceededException;
import dev.genapi.core.webhooks.Callback;
import dev.genapi.model.GenerationService;
import dev.genapi.model.ModelFailure;
import dev.genapi.model.ModelFailureException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Runs one queued job from one SQS record, and carries out what {@link DeliveryPolicy} decides of it: the
 * job's transition, what SQS is told of the record ({@link Disposition#ACKNOWLEDGE}: delete it; {@link
 * Disposition#REPORT_FAILURE}: deliver it again after the visibility set, or past MaxReceiveCount move it to
 * the dead-letter queue), and the job's callbacks once it has ended.
 * <ul>
 *   <li>A conditional transition to RUNNING gates the model call; a delivery that finds the job running
 *       under another live lease comes back when that lease ends, and is never acknowledged blind.</li>
 *   <li>Permanent failures (an invalid request, configuration, blocked or filtered content, a result too
 *       large to keep, a caller's budget spent) end the job FAILED at once. A budget filled only by other
 *       requests' reservations is waited for, like a 429.</li>
 *   <li>A producer's message without a jobId is adopted: its job is created and queued again under its id,
 *       so that every later delivery, and any redrive, names the job.</li>
 *   <li>A DynamoDB or SQS failure never throws: the record comes back soon, and the conditions keep it safe.</li>
 * </ul>
 * Each delivery ends in one record: the job, the attempt, what became of it (its {@code outcome}), the time
 * it waited in the queue and ran, and what the generation observed.
 */
final class JobProcessor {

    /** One record being handled, what it records, and when its generation must be over. */
    private record Delivery(SqsMessage record, Observation observation, Deadline deadline) {
        int receiveCount() {
            return record.receiveCount();
        }
    }

    private final JobStore jobs;
    private final JobAttempts attempts;
    private final CompletionNotices notices;
    private final GenerationService service;
    private final GenerationRequestParser parser;
    private final SqsClient sqs;
    private final MessageVisibility visibility;
    private final WorkerConfig config;
    private final DeliveryPolicy policy;
    private final Telemetry telemetry;
    private final Clock clock;

    JobProcessor(JobStore jobs, GenerationService service, GenerationRequestParser parser, SqsClient sqs,
                 CompletionNotices notices, WorkerConfig config, RetryBackoff backoff, Telemetry telemetry, Clock clock) {
        this.jobs = jobs;
        this.attempts = new JobAttempts(jobs.table());
        this.notices = notices;
        this.service = service;
        this.parser = parser;
        this.sqs = sqs;
        this.visibility = new MessageVisibility(sqs, config.queueUrl());
        this.config = config;
        this.policy = new DeliveryPolicy(config, backoff);
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /**
     * Never throws for AWS failures: the record comes back shortly, and nothing is lost.
     *
     * @param invocation the Lambda invocation that carries the record
     * @param deadline   when the job's generation must be over, inside the invocation
     */
    Disposition process(SqsMessage record, Invocation invocation, Deadline deadline) {
        Delivery delivery = new Delivery(record, telemetry.begin("job", invocation)
                .set("messageId", record.messageId()).set("receiveCount", record.receiveCount())
                .set("submitTraceId", submitTraceId(record)), deadline);
        try {
            return process(delivery);
        } catch (RuntimeException e) {
            delivery.observation().set("outcome", "crashed").count(Metric.DELIVERIES, 1); // the handler reports it
            throw e;
        } finally {
            telemetry.end(delivery.observation());
        }
    }

    /** The trace of the request that sent the message (SQS passes it on as AWSTraceHeader), to link the two. */
    private static String submitTraceId(SqsMessage record) {
        Map<String, String> attributes = record.attributes();
        return attributes == null ? null
                : TraceHeader.parse(attributes.get("AWSTraceHeader")).map(TraceHeader::rootId).orElse(null);
    }

    private Disposition process(Delivery delivery) {
        JobMessage message;
        try {
            message = JobMessage.parse(delivery.record().body());
        } catch (JobMessage.MalformedMessageException e) {
            return toDeadLetterQueue(delivery, e.getMessage());
        }
        try {
            return message.jobId() == null ? adopt(message, delivery) : process(message, delivery);
        } catch (SdkException e) {
            return awsFailed(delivery, e, null);
        }
    }

    /** Sets when the record comes back, records the outcome, and tells SQS. */
    private Disposition finish(Delivery delivery, DeliveryPolicy.Decision decision) {
        if (decision.visibilitySeconds() != null) {
            visibility.set(delivery.record(), decision.visibilitySeconds());
        }
        delivery.observation().set("outcome", decision.outcome()).count(Metric.DELIVERIES, 1);
        return decision.disposition();
    }

    /**
     * DynamoDB or SQS failed. When this attempt held the job, release it (QUEUED, or FAILED and dead-lettered
     * on the last delivery), so the next delivery need not wait out the lease.
     */
    private Disposition awsFailed(Delivery delivery, SdkException e, Job heldAttempt) {
        DeliveryPolicy.Decision decision = policy.awsFailed(delivery.receiveCount(), heldAttempt != null);
        if (heldAttempt != null) {
            JobError error = JobError.of(ProblemType.SERVICE_UNAVAILABLE, "DynamoDB or SQS failed while the job ran.", true);
            try {
                if (decision.transition() == DeliveryPolicy.Transition.DEAD_LETTER) {
                    attempts.fail(heldAttempt, error, true);
                } else {
                    attempts.requeue(heldAttempt, error);
                }
            } catch (SdkException stillFailing) {
                Log.warn("the job could not be released; its lease lapses by itself", stillFailing, "jobId", heldAttempt.id());
            }
        }
        Log.warn("DynamoDB or SQS failed; the message is delivered again soon", e,
                "messageId", delivery.record().messageId(), "retryInSeconds", decision.visibilitySeconds());
        delivery.observation().set("errorCode", ProblemType.SERVICE_UNAVAILABLE.slug());
        return finish(delivery, decision);
    }

    private Disposition process(JobMessage message, Delivery delivery) {
        delivery.observation().set("jobId", message.jobId());
        Optional<Job> found = jobs.find(message.jobId());
        if (found.isEmpty() && message.request() != null) {
            Job created = newJob(message.jobId(), message);
            found = jobs.createIfAbsent(created) ? Optional.of(created) : jobs.find(message.jobId());
        }
        if (found.isEmpty()) {
            return toDeadLetterQueue(delivery, "the job does not exist and the message has no request");
        }
        Job job = found.get();
        observeJob(delivery.observation(), job);
        if (finished(job)) {
            return notifyEnded(job, delivery, policy.ended()); // queues a callback an earlier delivery could not
        }
        Optional<Job> attempt = attempts.startAttempt(job.id(), config.lease());
        if (attempt.isEmpty()) {
            return notTakeable(job.id(), delivery);
        }
        delivery.observation().set("attempt", attempt.get().attempts())
                .count(Metric.QUEUE_WAIT, Math.max(0, Duration.between(job.updatedAt(), clock.instant()).toMillis()));
        long runStart = System.nanoTime();
        try {
            return run(attempt.get(), delivery);
        } catch (SdkException e) {
            return awsFailed(delivery, e, attempt.get());
        } finally {
            delivery.observation().count(Metric.RUN_TIME, (System.nanoTime() - runStart) / 1_000_000);
        }
    }

    private static void observeJob(Observation observation, Job job) {
        job.caller().ifPresent(caller -> observation.set("caller", caller.scope()));
        observation.set("batchId", job.batchId());
    }

    /**
     * A producer's message without a jobId: its job gets an id from the message id (so a redelivery of the
     * same message finds it), and a message naming that job replaces this one.
     */
    private Disposition adopt(JobMessage message, Delivery delivery) {
        Job job = newJob("job_" + Digests.sha256Hex(delivery.record().messageId()).substring(0, 32), message);
        delivery.observation().set("jobId", job.id());
        jobs.createIfAbsent(job); // false on a redelivery: the job is already there, under the same id
        sqs.sendMessage(r -> r.queueUrl(config.queueUrl()).messageBody(JobMessage.of(job).toJson()));
        return finish(delivery, policy.adopted());
    }

    private Job newJob(String id, JobMessage message) {
        return jobs.newJob(id, message.caller(), Json.write(message.request()),
                message.cacheControl(), null, null, message.customId())
                .withCallback(message.callbackUrl() == null ? null : Callback.pending(message.callbackUrl()));
    }

    private Disposition run(Job attempt, Delivery delivery) {
        GenerationRequest request;
        try {
            request = parser.parse(Json.parseBody(attempt.request()), "request.");
        } catch (ProblemException e) {
            return retryOrFail(attempt, JobError.of(ProblemType.INVALID_REQUEST, e.problem().detail(), false), null, delivery);
        }
        GenerationResult result;
        try {
            result = service.generateJob(request, attempt.caller(),
                    CacheDirectives.parse(Optional.ofNullable(attempt.cacheControl())), delivery.observation(),
                    attempt.id(), policy.mayWaitForTwin(delivery.receiveCount()), delivery.deadline());
        } catch (GenerationService.TwinGeneratingException e) {
            return waitForTwin(attempt, delivery);
        } catch (ModelFailureException e) {
            return failed(attempt, e, delivery);
        } catch (BudgetExceededException e) {
            // Spent: no room before the period ends, so not retried. Reserved by requests in flight: soon room.
            return retryOrFail(attempt, JobError.of(ProblemType.BUDGET_EXCEEDED, e.getMessage(), e.inFlight()),
                    e.retryAfterSeconds(), delivery);
        }
        Generation generation = result.generation();
        if (generation.finishReason().equals("CONTENT_FILTER")) {
            return retryOrFail(attempt, JobError.of(ProblemType.CONTENT_BLOCKED,
                    "The model's safety filters stopped the answer (finishReason CONTENT_FILTER).", false), null, delivery);
        }
        if (!JobAttempts.fitsAsResult(generation)) {
            return retryOrFail(attempt, JobError.of(ProblemType.RESULT_TOO_LARGE, "The answer is larger than a job can keep ("
                    + JobAttempts.MAX_RESULT_BYTES + " bytes); ask for fewer maxOutputTokens.", false), null, delivery);
        }
        boolean ended = attempts.succeed(attempt, generation, result.cacheStatus() == GenerationResult.CacheStatus.HIT);
        delivery.observation().count(Metric.JOBS_SUCCEEDED, 1).count(Metric.ATTEMPTS_PER_JOB, attempt.attempts());
        return ended ? notifyEnded(attempt, delivery, policy.succeeded()) : finish(delivery, policy.succeeded());
    }

    /**
     * An identical job of the same caller is generating the same answer: this one stands down, uncounted,
     * and its message comes back later to find the answer in the cache (by SQS, not by sleeping here).
     */
    private Disposition waitForTwin(Job attempt, Delivery delivery) {
        attempts.standDown(attempt);
        return finish(delivery, policy.twinRunning(delivery.receiveCount()));
    }

    private Disposition failed(Job attempt, ModelFailureException exception, Delivery delivery) {
        ModelFailure failure = exception.failure();
        Log.warn("the job's model call failed", exception, "jobId", attempt.id(), "attempt", attempt.attempts());
        return retryOrFail(attempt, JobError.of(failure.type(), failure.detail(), failure.kind().transientFailure),
                failure.retryAfter(), delivery);
    }

    /** Ends a failed attempt as the policy decides: FAILED, QUEUED again, or FAILED and dead-lettered. */
    private Disposition retryOrFail(Job attempt, JobError error, Integer retryAfter, Delivery delivery) {
        DeliveryPolicy.Decision decision = policy.failed(error, retryAfter, delivery.receiveCount(), attempt.attempts());
        delivery.observation().set("errorCode", error.code());
        switch (decision.transition()) {
            case FAIL -> {
                boolean ended = attempts.fail(attempt, error, false);
                delivery.observation().count(Metric.JOBS_FAILED, 1).count(Metric.ATTEMPTS_PER_JOB, attempt.attempts());
                return ended ? notifyEnded(attempt, delivery, decision) : finish(delivery, decision);
            }
            case DEAD_LETTER -> {
                if (attempts.fail(attempt, error, true)) {
                    notifyDeadLettered(attempt);
                }
                delivery.observation().count(Metric.JOBS_DEAD_LETTERED, 1).count(Metric.ATTEMPTS_PER_JOB, attempt.attempts());
                return finish(delivery, decision); // visibility 0: the next receive moves it to the DLQ
            }
            default -> {
                attempts.requeue(attempt, error);
                return finish(delivery, decision);
            }
        }
    }

    /**
     * The job has ended: queue its callbacks, then let the record go. Should DynamoDB or SQS fail, the record
     * comes back, finds the job ended, and queues them then.
     */
    private Disposition notifyEnded(Job job, Delivery delivery, DeliveryPolicy.Decision decision) {
        try {
            notices.jobEnded(job);
        } catch (SdkException e) {
            return awsFailed(delivery, e, null);
        }
        return finish(delivery, decision);
    }

    /** A job dead-lettered has ended until someone redrives it: its callbacks are due too. */
    private void notifyDeadLettered(Job job) {
        try {
            notices.jobEnded(job);
        } catch (SdkException e) {
            Log.error("a dead-lettered job's callback could not be queued; a redrive of its message queues it", e,
                    "jobId", job.id());
        }
    }

    /** Another delivery holds the job, or it just finished: look again. */
    private Disposition notTakeable(String jobId, Delivery delivery) {
        Optional<Job> now = jobs.find(jobId);
        if (now.isEmpty() || finished(now.get())) {
            return finish(delivery, policy.ended());
        }
        Job job = now.get();
        Duration leaseLeft = job.status() == JobStatus.RUNNING && job.leaseUntil() != null
                ? Duration.between(clock.instant(), job.leaseUntil()) : null;
        DeliveryPolicy.Decision decision = policy.busy(delivery.receiveCount(), leaseLeft);
        // The message is leaving for the DLQ; if nobody holds the job any more, say so on the job.
        if (decision.transition() == DeliveryPolicy.Transition.MARK_DEAD_LETTERED && markDeadLettered(job, JobError.of(
                ProblemType.REDELIVERY_EXHAUSTED, "The job's message ran out of deliveries while the job was busy.", true))) {
            notifyDeadLettered(job);
        }
        return finish(delivery, decision);
    }

    private boolean markDeadLettered(Job job, JobError error) {
        try {
            return attempts.markDeadLettered(job, error);
        } catch (SdkException e) {
            Log.warn("the job could not be marked dead-lettered", e, "jobId", job.id());
            return false;
        }
    }

    private static boolean finished(Job job) {
        return job.status() == JobStatus.SUCCEEDED || (job.status() == JobStatus.FAILED && !job.deadLettered());
    }

    private Disposition toDeadLetterQueue(Delivery delivery, String why) {
        Log.info("a malformed message goes to the dead-letter queue", "messageId", delivery.record().messageId(),
                "reason", why);
        return finish(delivery, policy.malformed());
    }
}
