package dev.genapi.core.jobs;

import static dev.genapi.core.jobs.JobItems.PK;
import static dev.genapi.core.jobs.JobItems.errorValue;
import static dev.genapi.core.jobs.JobItems.jobKey;
import static dev.genapi.core.jobs.JobItems.n;
import static dev.genapi.core.jobs.JobItems.s;
import static dev.genapi.core.jobs.JobItems.toItem;
import static dev.genapi.core.jobs.JobItems.toJob;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.problem.ProblemType;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Jobs in the jobs table ({@code job#<id>} items): creating them, one, a whole batch's or idempotently (with
 * {@link IdempotencyKeys}), reading them, and marking a job that could not be queued. Reads treat an
 * expired item as absent, since DynamoDB's TTL deletes it up to two days late. Attempts (the worker's
 * transitions) are {@link JobAttempts}; batches are {@link Batches}.
 */
public final class JobStore {

    private final JobsTable table;

    public JobStore(JobsTable table) {
        this.table = table;
    }

    /** From JOBS_TABLE, JOBS_BATCH_INDEX and JOB_RETENTION_SECONDS (names as in template.yaml). */
    public static JobStore from(Env env, DynamoDbClient dynamo, Clock clock) {
        return new JobStore(JobsTable.from(env, dynamo, clock));
    }

    public JobsTable table() {
        return table;
    }

    /** A new QUEUED job (not yet stored). */
    public Job newJob(String id, Optional<Caller> caller, String request, String cacheControl, String batchId,
                      Integer batchIndex, String customId) {
        Instant now = table.now();
        return new Job(id, caller, JobStatus.QUEUED, 0, request, cacheControl, now, now, null, false, null, false,
                batchId, batchIndex, customId, null, now.plus(table.retention()), null);
    }

    /** The same job, already SUCCEEDED with a result from the cache. */
    public Job succeededFromCache(Job job, Generation cached) {
        return new Job(job.id(), job.caller(), JobStatus.SUCCEEDED, 0, job.request(), job.cacheControl(),
                job.createdAt(), job.updatedAt(), cached, true, null, false, job.batchId(), job.batchIndex(),
                job.customId(), null, job.expiresAt(), job.callback());
    }

    /** Stores a job unless one with its id exists; false when it did. */
    public boolean createIfAbsent(Job job) {
        try {
            table.dynamo().putItem(r -> r.tableName(table.name()).item(toItem(job)).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /**
     * Stores many new jobs, 25 a call, re-sending what DynamoDB leaves unprocessed.
     *
     * @throws IllegalStateException when some jobs still could not be written
     */
    public void createAll(List<Job> jobs) {
        for (int start = 0; start < jobs.size(); start += 25) {
            List<WriteRequest> pending = new ArrayList<>();
            for (Job job : jobs.subList(start, Math.min(jobs.size(), start + 25))) {
                pending.add(WriteRequest.builder().putRequest(PutRequest.builder().item(toItem(job)).build()).build());
            }
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt == 8) {
                    throw new IllegalStateException(pending.size() + " jobs could not be stored");
                }
                JobsTable.pause(attempt);
                List<WriteRequest> batch = pending;
                BatchWriteItemResponse response = table.dynamo().batchWriteItem(r -> r.requestItems(Map.of(table.name(), batch)));
                pending = response.unprocessedItems().getOrDefault(table.name(), List.of());
            }
        }
    }

    /** The job, read consistently; empty when it does not exist or has expired. */
    public Optional<Job> find(String id) {
        Map<String, AttributeValue> item = table.dynamo().getItem(r -> r.tableName(table.name()).consistentRead(true)
                .key(jobKey(id))).item();
        return item == null || item.isEmpty() || JobItems.expired(item, table.now()) ? Optional.empty() : Optional.of(toJob(item));
    }

    /**
     * A job whose message could not be queued: FAILED (retryable) rather than QUEUED forever, and its
     * Idempotency-Key (if any) freed, so that the caller's retry with the same key makes a new job. Only a
     * job still QUEUED is failed: a send that timed out may have arrived, and the worker may have the job.
     *
     * @return false when the job had already left QUEUED (it was queued after all)
     * @throws software.amazon.awssdk.core.exception.SdkException when DynamoDB did not answer (the job's
     *                                                            state is then unknown)
     */
    public boolean markEnqueueFailed(Job job, String idempotencyKey) {
        if (idempotencyKey == null) {
            try {
                table.dynamo().updateItem(enqueueFailed(job.id()));
                return true;
            } catch (ConditionalCheckFailedException notQueuedAnyMore) {
                return false;
            }
        }
        UpdateItemRequest update = enqueueFailed(job.id());
        try {
            table.dynamo().transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(table.name()).key(update.key())
                            .updateExpression(update.updateExpression()).conditionExpression(update.conditionExpression())
                            .expressionAttributeNames(update.expressionAttributeNames())
                            .expressionAttributeValues(update.expressionAttributeValues())).build(),
                    TransactWriteItem.builder().delete(d -> d.tableName(table.name())
                            .key(Map.of(PK, s(IdempotencyKeys.pk(job.caller(), idempotencyKey))))).build()));
            return true;
        } catch (TransactionCanceledException e) {
            boolean conditionFailed = e.hasCancellationReasons() && !e.cancellationReasons().isEmpty()
                    && "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code());
            if (conditionFailed) {
                return false;
            }
            throw e; // throttled or conflicting: the caller must not take the job for queued
        }
    }

    private UpdateItemRequest enqueueFailed(String jobId) {
        JobError error = JobError.of(ProblemType.ENQUEUE_FAILED, "The job could not be queued; submit it again.", true);
        return UpdateItemRequest.builder().tableName(table.name()).key(jobKey(jobId))
                .updateExpression("SET #s = :failed, #e = :error, updatedAt = :now")
                .conditionExpression("#s = :queued")
                .expressionAttributeNames(Map.of("#s", "status", "#e", "error"))
                .expressionAttributeValues(Map.of(":failed", s(JobStatus.FAILED.name()),
                        ":queued", s(JobStatus.QUEUED.name()),
                        ":error", errorValue(error), ":now", n(table.now().toEpochMilli())))
                .build();
    }
}
