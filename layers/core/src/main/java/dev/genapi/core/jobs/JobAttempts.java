package dev.genapi.core.jobs;

import static dev.genapi.core.jobs.JobItems.errorValue;
import static dev.genapi.core.jobs.JobItems.jobKey;
import static dev.genapi.core.jobs.JobItems.n;
import static dev.genapi.core.jobs.JobItems.s;
import static dev.genapi.core.jobs.JobItems.toJob;

import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationJson;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The worker's transitions of a job, each a conditional write, so concurrent deliveries cannot both run it:
 * an attempt takes the job RUNNING under a lease, and only the attempt that holds it may end it.
 */
public final class JobAttempts {

    /**
     * SQS keeps a message at most 14 days, so a dead-lettered job kept a day longer is still there for any
     * redrive of its message, whatever the configured retention.
     */
    static final Duration DEAD_LETTER_KEEP = Duration.ofDays(15);
    /** A job item holds its result; beyond this the result is refused (DynamoDB's item limit is 400 KB). */
    public static final int MAX_RESULT_BYTES = 350 * 1024;

    private final JobsTable table;

    public JobAttempts(JobsTable table) {
        this.table = table;
    }

    /**
     * Takes the job for one attempt: QUEUED, dead-lettered FAILED (a redrive) or RUNNING with a lapsed lease
     * (a crashed attempt) becomes RUNNING with attempts + 1 and a lease. Empty when it is not takeable:
     * finished, or running under another live lease.
     */
    public Optional<Job> startAttempt(String id, Duration lease) {
        Instant now = table.now();
        try {
            Map<String, AttributeValue> item = table.dynamo().updateItem(r -> r.tableName(table.name()).key(jobKey(id))
                    .updateExpression("SET #s = :running, attempts = attempts + :one, leaseUntil = :lease, "
                            + "deadLettered = :false, updatedAt = :now")
                    .conditionExpression("attribute_exists(pk) AND (#s = :queued OR (#s = :failed AND deadLettered = :true)"
                            + " OR (#s = :running AND leaseUntil < :now))")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(
                            ":running", s(JobStatus.RUNNING.name()), ":queued", s(JobStatus.QUEUED.name()),
                            ":failed", s(JobStatus.FAILED.name()), ":one", n(1), ":true", AttributeValue.fromBool(true),
                            ":false", AttributeValue.fromBool(false), ":lease", n(now.plus(lease).toEpochMilli()),
                            ":now", n(now.toEpochMilli())))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return Optional.of(toJob(item));
        } catch (ConditionalCheckFailedException notTakeable) {
            return Optional.empty();
        }
    }

    /** Whether a generation fits a job item as its result. */
    public static boolean fitsAsResult(Generation generation) {
        return Json.write(GenerationJson.of(generation, false)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                <= MAX_RESULT_BYTES;
    }

    /**
     * Ends the attempt with the generation, dropping the request, which a finished job no longer needs, to
     * leave the item room for the result. False when the attempt no longer held the job.
     */
    public boolean succeed(Job attempt, Generation generation, boolean cached) {
        return finishAttempt(attempt, "SET #s = :status, #r = :result, resultCached = :cached, updatedAt = :now "
                        + "REMOVE #e, leaseUntil, #req",
                Map.of("#r", "result", "#e", "error", "#req", "request"),
                Map.of(":status", s(JobStatus.SUCCEEDED.name()), ":result", s(Json.write(GenerationJson.of(generation, false))),
                        ":cached", AttributeValue.fromBool(cached)));
    }

    /**
     * Ends the attempt FAILED; {@code deadLettered} when its message is on its way to the DLQ, in which case
     * the job is kept as long as the message can be (see {@link #DEAD_LETTER_KEEP}), for a redrive.
     */
    public boolean fail(Job attempt, JobError error, boolean deadLettered) {
        Instant keepUntil = deadLettered ? latest(attempt.expiresAt(), table.now().plus(DEAD_LETTER_KEEP)) : attempt.expiresAt();
        return finishAttempt(attempt, "SET #s = :status, #e = :error, deadLettered = :dead, updatedAt = :now, "
                        + "expiresAt = :keep REMOVE leaseUntil",
                Map.of("#e", "error"),
                Map.of(":status", s(JobStatus.FAILED.name()), ":error", errorValue(error),
                        ":dead", AttributeValue.fromBool(deadLettered), ":keep", n(keepUntil.getEpochSecond())));
    }

    /**
     * Marks a job dead-lettered when its message leaves for the DLQ without an attempt having said so (the
     * last delivery met a DynamoDB or SQS failure). Only a job nobody is running: QUEUED, or RUNNING under a
     * lapsed lease. Best effort: false when the job was not in such a state.
     */
    public boolean markDeadLettered(Job job, JobError error) {
        Instant now = table.now();
        Instant keepUntil = latest(job.expiresAt(), now.plus(DEAD_LETTER_KEEP));
        try {
            table.dynamo().updateItem(r -> r.tableName(table.name()).key(jobKey(job.id()))
                    .updateExpression("SET #s = :failed, #e = :error, deadLettered = :true, updatedAt = :now, "
                            + "expiresAt = :keep REMOVE leaseUntil")
                    .conditionExpression("#s = :queued OR (#s = :running AND leaseUntil < :nowMillis)")
                    .expressionAttributeNames(Map.of("#s", "status", "#e", "error"))
                    .expressionAttributeValues(Map.of(":failed", s(JobStatus.FAILED.name()),
                            ":queued", s(JobStatus.QUEUED.name()), ":running", s(JobStatus.RUNNING.name()),
                            ":error", errorValue(error), ":true", AttributeValue.fromBool(true),
                            ":now", n(now.toEpochMilli()), ":nowMillis", n(now.toEpochMilli()),
                            ":keep", n(keepUntil.getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException busyOrFinished) {
            return false;
        }
    }

    private static Instant latest(Instant one, Instant other) {
        return one.isAfter(other) ? one : other;
    }

    /** Ends the attempt QUEUED for a later one, keeping the error. */
    public boolean requeue(Job attempt, JobError error) {
        return finishAttempt(attempt, "SET #s = :status, #e = :error, updatedAt = :now REMOVE leaseUntil",
                Map.of("#e", "error"),
                Map.of(":status", s(JobStatus.QUEUED.name()), ":error", errorValue(error)));
    }

    /**
     * Ends the attempt QUEUED without counting it: it made no model call, as an identical job was generating
     * the same answer (it comes back for it).
     */
    public boolean standDown(Job attempt) {
        return finishAttempt(attempt, "SET #s = :status, attempts = attempts - :one, updatedAt = :now REMOVE leaseUntil",
                Map.of(), Map.of(":status", s(JobStatus.QUEUED.name()), ":one", n(1)));
    }

    private boolean finishAttempt(Job attempt, String update, Map<String, String> names,
                                  Map<String, AttributeValue> values) {
        Map<String, String> allNames = new HashMap<>(names);
        allNames.put("#s", "status");
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":now", n(table.now().toEpochMilli()));
        allValues.put(":running", s(JobStatus.RUNNING.name()));
        allValues.put(":attempt", n(attempt.attempts()));
        try {
            table.dynamo().updateItem(r -> r.tableName(table.name()).key(jobKey(attempt.id())).updateExpression(update)
                    .conditionExpression("#s = :running AND attempts = :attempt")
                    .expressionAttributeNames(allNames).expressionAttributeValues(allValues));
            return true;
        } catch (ConditionalCheckFailedException takenOver) {
            return false;
        }
    }
}
