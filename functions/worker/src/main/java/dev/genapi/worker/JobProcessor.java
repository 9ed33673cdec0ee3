package dev.genapi.worker;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.encoding.Digests;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.generation.GenerationResult;
import dev.genapi.core.generation.GenerationService;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobAttempts;
import dev.genapi.core.jobs.JobError;
import dev.genapi.core.jobs.JobMessage;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.model.ModelFailure;
import dev.genapi.core.model.ModelFailureException;
import dev.genapi.core.usage.BudgetExceededException;
import dev.genapi.core.problem.ProblemException;
import dev.genapi.core.problem.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Runs one queued job from one SQS record, and decides what becomes of the record: acknowledged ({@link
 * Outcome#DONE}), or left for SQS to deliver again ({@link Outcome#RETRY}) after the visibility this sets.
 * <ul>
 *   <li>A finished job is acknowledged without a model call (a duplicate delivery).</li>
 *   <li>A conditional transition to RUNNING gates the model call; a delivery that finds the job running
 *       under another live lease comes back when that lease ends, and is never acknowledged blind.</li>
 *   <li>Transient model failures requeue the job and back off (honouring Retry-After); on the last allowed
 *       receive the job is FAILED and dead-lettered, and SQS moves the message to the DLQ.</li>
 *   <li>Permanent failures (an invalid request, configuration, blocked or filtered content, a result too
 *       large to keep, a caller's budget spent) end the job FAILED at once, and the message is
 *       acknowledged. A budget filled only by other requests' reservations is waited for, like a 429.</li>
 *   <li>Malformed messages are logged and sent on to the DLQ by SQS's own redrive policy.</li>
 *   <li>A producer's message without a jobId is adopted: its job is created and queued again under its id,
 *       so that every later delivery, and any redrive, names the job.</li>
 *   <li>A DynamoDB or SQS failure sends the record back soon, releasing the job if an attempt held it; the
 *       conditions keep it safe.</li>
 * </ul>
 */
final class JobProcessor {

    enum Outcome {
        DONE, RETRY
    }

    /** Seconds before a record whose job store or queue call failed is tried again. */
    static final int AWS_FAILURE_RETRY_SECONDS = 10;

    private final JobStore jobs;
    private final JobAttempts attempts;
    private final GenerationService service;
    private final GenerationRequestParser parser;
    private final SqsClient sqs;
    private final WorkerConfig config;
    private final RetryBackoff backoff;
    private final Clock clock;

    JobProcessor(JobStore jobs, GenerationService service, GenerationRequestParser parser, SqsClient sqs,
                 WorkerConfig config, RetryBackoff backoff, Clock clock) {
        this.jobs = jobs;
        this.attempts = new JobAttempts(jobs.table());
        this.service = service;
        this.parser = parser;
        this.sqs = sqs;
        this.config = config;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** Never throws for AWS failures: the record comes back shortly, and nothing is lost. */
    Outcome process(SQSMessage record) {
        JobMessage message;
        try {
            message = JobMessage.parse(record.getBody());
        } catch (JobMessage.MalformedMessageException e) {
            return toDeadLetterQueue(record, e.getMessage());
        }
        try {
            return message.jobId() == null ? adopt(message, record) : process(message, record);
        } catch (SdkException e) {
            return awsFailed(record, e);
        }
    }

    private Outcome awsFailed(SQSMessage record, SdkException e) {
        Log.warn("message " + record.getMessageId() + ": DynamoDB or SQS failed; it is delivered again in "
                + AWS_FAILURE_RETRY_SECONDS + " s", e);
        setVisibility(record, AWS_FAILURE_RETRY_SECONDS);
        return Outcome.RETRY;
    }

    /**
     * DynamoDB or SQS failed while this attempt held the job: release it (QUEUED, or FAILED and
     * dead-lettered on the last delivery), so the next delivery need not wait out the lease.
     */
    private Outcome awsFailedDuring(Job attempt, SQSMessage record, SdkException e) {
        JobError error = JobError.of(ProblemType.SERVICE_UNAVAILABLE, "DynamoDB or SQS failed while the job ran.", true);
        try {
            if (lastReceive(record)) {
                attempts.fail(attempt, error, true);
            } else {
                attempts.requeue(attempt, error);
            }
        } catch (SdkException stillFailing) {
            Log.warn("job " + attempt.id() + " could not be released; its lease lapses by itself", stillFailing);
        }
        return awsFailed(record, e);
    }

    private Outcome process(JobMessage message, SQSMessage record) {
        Optional<Job> found = jobs.find(message.jobId());
        if (found.isEmpty() && message.request() != null) {
            Job created = newJob(message.jobId(), message);
            found = jobs.createIfAbsent(created) ? Optional.of(created) : jobs.find(message.jobId());
        }
        if (found.isEmpty()) {
            return toDeadLetterQueue(record, "job " + message.jobId() + " does not exist and the message has no request");
        }
        Job job = found.get();
        if (finished(job)) {
            return Outcome.DONE;
        }
        Optional<Job> attempt = attempts.startAttempt(job.id(), config.lease());
        if (attempt.isEmpty()) {
            return notTakeable(job.id(), record);
        }
        try {
            return run(attempt.get(), record);
        } catch (SdkException e) {
            return awsFailedDuring(attempt.get(), record, e);
        }
    }

    /**
     * A producer's message without a jobId: its job gets an id from the message id (so a redelivery of the
     * same message finds it), and a message naming that job replaces this one.
     */
    private Outcome adopt(JobMessage message, SQSMessage record) {
        Job job = newJob("job_" + Digests.sha256Hex(record.getMessageId()).substring(0, 32), message);
        jobs.createIfAbsent(job); // false on a redelivery: the job is already there, under the same id
        sqs.sendMessage(r -> r.queueUrl(config.queueUrl()).messageBody(JobMessage.of(job).toJson()));
        return Outcome.DONE;
    }

    private Job newJob(String id, JobMessage message) {
        return jobs.newJob(id, message.caller().map(scope -> Caller.ofScope(scope, null)), Json.write(message.request()),
                message.cacheControl(), null, null, message.customId());
    }

    private Outcome run(Job attempt, SQSMessage record) {
        GenerationRequest request;
        try {
            request = parser.parse(Json.parseBody(attempt.request()), "request.");
        } catch (ProblemException e) {
            attempts.fail(attempt, JobError.of(ProblemType.INVALID_REQUEST, e.problem().detail(), false), false);
            return Outcome.DONE;
        }
        GenerationResult result;
        try {
            result = service.generate(request, attempt.caller(),
                    CacheDirectives.parse(Optional.ofNullable(attempt.cacheControl())));
        } catch (ModelFailureException e) {
            return failed(attempt, e, record);
        } catch (BudgetExceededException e) {
            // Spent: no room before the period ends, so not retried. Reserved by requests in flight: soon room.
            return retryOrFail(attempt, JobError.of(ProblemType.BUDGET_EXCEEDED, e.getMessage(), e.inFlight()),
                    e.retryAfterSeconds(), record);
        }
        Generation generation = result.generation();
        if (generation.finishReason().equals("CONTENT_FILTER")) {
            attempts.fail(attempt, JobError.of(ProblemType.CONTENT_BLOCKED,
                    "The model's safety filters stopped the answer (finishReason CONTENT_FILTER).", false), false);
        } else if (!JobAttempts.fitsAsResult(generation)) {
            attempts.fail(attempt, JobError.of(ProblemType.RESULT_TOO_LARGE, "The answer is larger than a job can keep ("
                    + JobAttempts.MAX_RESULT_BYTES + " bytes); ask for fewer maxOutputTokens.", false), false);
        } else {
            attempts.succeed(attempt, generation, result.cacheStatus() == GenerationResult.CacheStatus.HIT);
        }
        return Outcome.DONE;
    }

    private Outcome failed(Job attempt, ModelFailureException exception, SQSMessage record) {
        ModelFailure failure = exception.failure();
        Log.warn("job " + attempt.id() + " attempt " + attempt.attempts() + " failed (" + failure.kind() + ")", exception);
        return retryOrFail(attempt, JobError.of(failure.type(), failure.detail(), failure.kind().transientFailure),
                failure.retryAfter(), record);
    }

    /**
     * Ends a failed attempt: FAILED at once when the error is permanent; otherwise QUEUED again, and the
     * message returns after a backoff (never sooner than {@code retryAfter}), or, on its last allowed receive,
     * FAILED and dead-lettered.
     */
    private Outcome retryOrFail(Job attempt, JobError error, Integer retryAfter, SQSMessage record) {
        if (!error.retryable()) {
            attempts.fail(attempt, error, false);
            return Outcome.DONE;
        }
        if (lastReceive(record)) {
            attempts.fail(attempt, error, true);
            setVisibility(record, 0); // the next receive moves it to the DLQ
            return Outcome.RETRY;
        }
        attempts.requeue(attempt, error);
        setVisibility(record, backoff.seconds(attempt.attempts(), retryAfter));
        return Outcome.RETRY;
    }

    /** Another delivery holds the job, or it just finished: look again. */
    private Outcome notTakeable(String jobId, SQSMessage record) {
        Optional<Job> now = jobs.find(jobId);
        if (now.isEmpty() || finished(now.get())) {
            return Outcome.DONE;
        }
        Job job = now.get();
        if (lastReceive(record)) {
            // The message is leaving for the DLQ; if nobody holds the job any more, say so on the job.
            markDeadLettered(job, JobError.of(ProblemType.REDELIVERY_EXHAUSTED,
                    "The job's message ran out of deliveries while the job was busy.", true));
        }
        long waitSeconds = job.status() == JobStatus.RUNNING && job.leaseUntil() != null
                ? Duration.between(clock.instant(), job.leaseUntil()).toSeconds() + 1 : 1;
        setVisibility(record, (int) Math.max(1, waitSeconds));
        return Outcome.RETRY;
    }

    private void markDeadLettered(Job job, JobError error) {
        try {
            attempts.markDeadLettered(job, error);
        } catch (SdkException e) {
            Log.warn("could not mark job " + job.id() + " dead-lettered", e);
        }
    }

    private static boolean finished(Job job) {
        return job.status() == JobStatus.SUCCEEDED || (job.status() == JobStatus.FAILED && !job.deadLettered());
    }

    private Outcome toDeadLetterQueue(SQSMessage record, String why) {
        Log.info("message " + record.getMessageId() + " is malformed (" + why + "); it goes to the dead-letter queue");
        setVisibility(record, 0);
        return Outcome.RETRY;
    }

    private void setVisibility(SQSMessage record, int seconds) {
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(config.queueUrl()).receiptHandle(record.getReceiptHandle())
                    .visibilityTimeout(seconds));
        } catch (SdkException e) {
            Log.warn("could not set the visibility of message " + record.getMessageId()
                    + "; it returns after the queue's visibility timeout", e);
        }
    }

    private boolean lastReceive(SQSMessage record) {
        String count = record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
        return (count == null ? 1 : Integer.parseInt(count)) >= config.maxReceiveCount();
    }
}
