package dev.genapi.core.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Digests;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationJson;
import dev.genapi.core.problem.ProblemType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Jobs, batches and Idempotency-Key records in the jobs table, one item type each under the key {@value #PK}
 * ({@code job#id}, {@code batch#id}, {@code idem#digest}). Items expire through the table's TTL on
 * {@value #EXPIRES_AT}; reads treat an expired item as absent, since DynamoDB deletes it up to two days late.
 * Every transition of a job is a conditional write, so concurrent workers cannot both run it.
 */
public final class JobStore {

    static final String PK = "pk";
    static final String EXPIRES_AT = "expiresAt";
    /** How long an Idempotency-Key is remembered (the IETF draft's suggestion), unless jobs live shorter. */
    static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    /**
     * SQS keeps a message at most 14 days, so a dead-lettered job kept a day longer is still there for any
     * redrive of its message, whatever the configured retention.
     */
    static final Duration DEAD_LETTER_KEEP = Duration.ofDays(15);
    /** A job item holds its result; beyond this the result is refused (DynamoDB's item limit is 400 KB). */
    public static final int MAX_RESULT_BYTES = 350 * 1024;
    /** Tries of an Idempotency-Key transaction that DynamoDB cancelled for a concurrent one. */
    static final int IDEMPOTENCY_TRIES = 5;

    private final DynamoDbClient dynamo;
    private final String table;
    private final String batchIndex;
    private final Clock clock;
    private final Duration retention;

    /**
     * @param batchIndex the table's index on (batchId, batchIndex)
     * @param retention  how long jobs and batches stay readable
     */
    public JobStore(DynamoDbClient dynamo, String table, String batchIndex, Clock clock, Duration retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.batchIndex = batchIndex;
        this.clock = clock;
        this.retention = retention;
    }

    /** From JOBS_TABLE, JOBS_BATCH_INDEX and JOB_RETENTION_SECONDS (names as in template.yaml). */
    public static JobStore from(Env env, DynamoDbClient dynamo, Clock clock) {
        return new JobStore(dynamo, env.require("JOBS_TABLE"), env.require("JOBS_BATCH_INDEX"), clock,
                env.seconds("JOB_RETENTION_SECONDS", 7 * 86_400, 60, 365 * 86_400));
    }

    // ---- creating ----

    /** A new QUEUED job (not yet stored). */
    public Job newJob(String id, Optional<String> caller, String request, String cacheControl, String batchId,
                      Integer batchIndex, String customId) {
        Instant now = now();
        return new Job(id, caller, JobStatus.QUEUED, 0, request, cacheControl, now, now, null, false, null, false,
                batchId, batchIndex, customId, null, now.plus(retention));
    }

    /** The same job, already SUCCEEDED with a result from the cache. */
    public Job succeededFromCache(Job job, Generation cached) {
        return new Job(job.id(), job.caller(), JobStatus.SUCCEEDED, 0, job.request(), job.cacheControl(),
                job.createdAt(), job.updatedAt(), cached, true, null, false, job.batchId(), job.batchIndex(),
                job.customId(), null, job.expiresAt());
    }

    /** Stores a job unless one with its id exists; false when it did. */
    public boolean createIfAbsent(Job job) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(toItem(job)).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    /** What became of a submission with an Idempotency-Key. */
    public sealed interface IdempotentCreate {
        /** The key was new: the job was stored. */
        record Created(Job job) implements IdempotentCreate {
        }

        /** The key was used before with the same body: this is that job. */
        record Replayed(Job job) implements IdempotentCreate {
        }

        /** The key was used before with another body. */
        record Conflict() implements IdempotentCreate {
        }
    }

    /**
     * Stores the job and the key's record in one transaction, so two racing requests with the same key get
     * one job between them. A key whose 24 hours have passed is free again.
     *
     * @param fingerprint a digest of the request body, to tell a replay from a reused key
     */
    public IdempotentCreate createIdempotently(Job job, String key, String fingerprint) {
        String keyPk = idempotencyPk(job.caller(), key);
        Duration window = IDEMPOTENCY_WINDOW.compareTo(retention) < 0 ? IDEMPOTENCY_WINDOW : retention;
        Map<String, AttributeValue> keyItem = Map.of(
                PK, s(keyPk),
                "jobId", s(job.id()),
                "fingerprint", s(fingerprint),
                EXPIRES_AT, n(now().plus(window).getEpochSecond()));
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(
                        t -> t.put(p -> p.tableName(table).item(keyItem)
                                .conditionExpression("attribute_not_exists(pk) OR expiresAt <= :now")
                                .expressionAttributeValues(Map.of(":now", n(now().getEpochSecond())))),
                        t -> t.put(p -> p.tableName(table).item(toItem(job)).conditionExpression("attribute_not_exists(pk)"))));
                return new IdempotentCreate.Created(job);
            } catch (TransactionCanceledException e) {
                Map<String, AttributeValue> existing = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                        .key(Map.of(PK, s(keyPk)))).item();
                if (existing != null && !existing.isEmpty() && !expired(existing)) {
                    if (!existing.get("fingerprint").s().equals(fingerprint)) {
                        return new IdempotentCreate.Conflict();
                    }
                    Optional<Job> original = find(existing.get("jobId").s());
                    if (original.isPresent()) {
                        return new IdempotentCreate.Replayed(original.get());
                    }
                    forgetStaleKey(keyPk, existing.get("jobId").s()); // its job has expired: the key is free
                }
                // A racing request's transaction was still in flight (TransactionConflict): try again shortly.
                if (attempt == IDEMPOTENCY_TRIES) {
                    throw e;
                }
                sleepBackoff(attempt);
            }
        }
    }

    private void forgetStaleKey(String keyPk, String jobId) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(Map.of(PK, s(keyPk)))
                    .conditionExpression("jobId = :job").expressionAttributeValues(Map.of(":job", s(jobId))));
        } catch (ConditionalCheckFailedException alreadyReplaced) {
            // another request took the key over: the next try sees its record
        }
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
                dynamo.updateItem(enqueueFailed(job.id()));
                return true;
            } catch (ConditionalCheckFailedException notQueuedAnyMore) {
                return false;
            }
        }
        UpdateItemRequest update = enqueueFailed(job.id());
        try {
            dynamo.transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(update.key())
                            .updateExpression(update.updateExpression()).conditionExpression(update.conditionExpression())
                            .expressionAttributeNames(update.expressionAttributeNames())
                            .expressionAttributeValues(update.expressionAttributeValues())).build(),
                    TransactWriteItem.builder().delete(d -> d.tableName(table)
                            .key(Map.of(PK, s(idempotencyPk(job.caller(), idempotencyKey))))).build()));
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
        return UpdateItemRequest.builder().tableName(table).key(jobKey(jobId))
                .updateExpression("SET #s = :failed, #e = :error, updatedAt = :now")
                .conditionExpression("#s = :queued")
                .expressionAttributeNames(Map.of("#s", "status", "#e", "error"))
                .expressionAttributeValues(Map.of(":failed", s(JobStatus.FAILED.name()),
                        ":queued", s(JobStatus.QUEUED.name()),
                        ":error", errorValue(error), ":now", n(now().toEpochMilli())))
                .build();
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
                sleepBackoff(attempt);
                List<WriteRequest> batch = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, batch)));
                pending = response.unprocessedItems().getOrDefault(table, List.of());
            }
        }
    }

    public void createBatch(Batch batch) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s("batch#" + batch.id()));
        item.put("batchId", s(batch.id()));
        batch.caller().ifPresent(caller -> item.put("caller", s(caller)));
        item.put("total", n(batch.total()));
        item.put("createdAt", n(batch.createdAt().toEpochMilli()));
        item.put(EXPIRES_AT, n(batch.expiresAt().getEpochSecond()));
        dynamo.putItem(r -> r.tableName(table).item(item));
    }

    public Batch newBatch(String id, Optional<String> caller, int total) {
        Instant now = now();
        return new Batch(id, caller, total, now, now.plus(retention));
    }

    // ---- reading ----

    /** The job, read consistently; empty when it does not exist or has expired. */
    public Optional<Job> find(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(jobKey(id))).item();
        return item == null || item.isEmpty() || expired(item) ? Optional.empty() : Optional.of(toJob(item));
    }

    public Optional<Batch> findBatch(String id) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(PK, s("batch#" + id)))).item();
        if (item == null || item.isEmpty() || expired(item)) {
            return Optional.empty();
        }
        return Optional.of(new Batch(id, optional(item, "caller"), Integer.parseInt(item.get("total").n()),
                Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())),
                Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n()))));
    }

    /** Every job of a batch, in submission order (from the batch index, which may lag writes slightly). */
    public List<JobSummary> batchJobs(String batchId) {
        List<JobSummary> jobs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(r -> r.tableName(table).indexName(batchIndex)
                    .keyConditionExpression("batchId = :b")
                    .expressionAttributeValues(Map.of(":b", s(batchId)))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                jobs.add(new JobSummary(item.get("jobId").s(), optional(item, "customId").orElse(null),
                        JobStatus.valueOf(item.get("status").s()), Integer.parseInt(item.get("batchIndex").n())));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return jobs;
    }

    // ---- running (the worker) ----

    /**
     * Takes the job for one attempt: QUEUED, dead-lettered FAILED (a redrive) or RUNNING with a lapsed lease
     * (a crashed attempt) becomes RUNNING with attempts + 1 and a lease. Empty when it is not takeable:
     * finished, or running under another live lease.
     */
    public Optional<Job> startAttempt(String id, Duration lease) {
        Instant now = now();
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(r -> r.tableName(table).key(jobKey(id))
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
        Instant keepUntil = deadLettered ? latest(attempt.expiresAt(), now().plus(DEAD_LETTER_KEEP)) : attempt.expiresAt();
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
        Instant now = now();
        Instant keepUntil = latest(job.expiresAt(), now.plus(DEAD_LETTER_KEEP));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(jobKey(job.id()))
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

    private boolean finishAttempt(Job attempt, String update, Map<String, String> names,
                                  Map<String, AttributeValue> values) {
        Map<String, String> allNames = new HashMap<>(names);
        allNames.put("#s", "status");
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":now", n(now().toEpochMilli()));
        allValues.put(":running", s(JobStatus.RUNNING.name()));
        allValues.put(":attempt", n(attempt.attempts()));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(jobKey(attempt.id())).updateExpression(update)
                    .conditionExpression("#s = :running AND attempts = :attempt")
                    .expressionAttributeNames(allNames).expressionAttributeValues(allValues));
            return true;
        } catch (ConditionalCheckFailedException takenOver) {
            return false;
        }
    }

    // ---- items ----

    Map<String, AttributeValue> toItem(Job job) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(PK, s("job#" + job.id()));
        item.put("jobId", s(job.id()));
        job.caller().ifPresent(caller -> item.put("caller", s(caller)));
        item.put("status", s(job.status().name()));
        item.put("attempts", n(job.attempts()));
        item.put("request", s(job.request()));
        if (job.cacheControl() != null) {
            item.put("cacheControl", s(job.cacheControl()));
        }
        item.put("createdAt", n(job.createdAt().toEpochMilli()));
        item.put("updatedAt", n(job.updatedAt().toEpochMilli()));
        if (job.result() != null) {
            item.put("result", s(Json.write(GenerationJson.of(job.result(), false))));
            item.put("resultCached", AttributeValue.fromBool(job.resultCached()));
        }
        if (job.error() != null) {
            item.put("error", errorValue(job.error()));
        }
        item.put("deadLettered", AttributeValue.fromBool(job.deadLettered()));
        if (job.batchId() != null) {
            item.put("batchId", s(job.batchId()));
            item.put("batchIndex", n(job.batchIndex()));
        }
        if (job.customId() != null) {
            item.put("customId", s(job.customId()));
        }
        item.put(EXPIRES_AT, n(job.expiresAt().getEpochSecond()));
        return item;
    }

    private static Job toJob(Map<String, AttributeValue> item) {
        Generation result = null;
        if (item.containsKey("result")) {
            try {
                result = GenerationJson.parse(Json.MAPPER.readTree(item.get("result").s()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("job " + item.get("jobId").s() + " has an unreadable result", e);
            }
        }
        JobError error = null;
        if (item.containsKey("error")) {
            Map<String, AttributeValue> e = item.get("error").m();
            error = new JobError(e.get("code").s(), e.get("message").s(), e.get("retryable").bool());
        }
        return new Job(item.get("jobId").s(), optional(item, "caller"), JobStatus.valueOf(item.get("status").s()),
                Integer.parseInt(item.get("attempts").n()), optional(item, "request").orElse(null),
                optional(item, "cacheControl").orElse(null),
                Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())),
                Instant.ofEpochMilli(Long.parseLong(item.get("updatedAt").n())),
                result, item.containsKey("resultCached") && item.get("resultCached").bool(), error,
                item.containsKey("deadLettered") && item.get("deadLettered").bool(),
                optional(item, "batchId").orElse(null),
                item.containsKey("batchIndex") ? Integer.valueOf(item.get("batchIndex").n()) : null,
                optional(item, "customId").orElse(null),
                item.containsKey("leaseUntil") ? Instant.ofEpochMilli(Long.parseLong(item.get("leaseUntil").n())) : null,
                Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())));
    }

    private boolean expired(Map<String, AttributeValue> item) {
        AttributeValue expiresAt = item.get(EXPIRES_AT);
        return expiresAt != null && Long.parseLong(expiresAt.n()) <= now().getEpochSecond();
    }

    private static AttributeValue errorValue(JobError error) {
        return AttributeValue.fromM(Map.of("code", s(error.code()), "message", s(error.message()),
                "retryable", AttributeValue.fromBool(error.retryable())));
    }

    private static String idempotencyPk(Optional<String> caller, String key) {
        return "idem#" + Digests.sha256Hex(caller.orElse("") + "\n" + key);
    }

    private static Map<String, AttributeValue> jobKey(String id) {
        return Map.of(PK, s("job#" + id));
    }

    private static Optional<String> optional(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static void sleepBackoff(int attempt) {
        if (attempt == 0) {
            return;
        }
        try {
            Thread.sleep(Math.min(1_000, 25L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing jobs", e);
        }
    }
}
