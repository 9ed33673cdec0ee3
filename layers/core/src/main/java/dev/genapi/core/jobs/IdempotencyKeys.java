package dev.genapi.core.jobs;

import static dev.genapi.core.jobs.JobItems.EXPIRES_AT;
import static dev.genapi.core.jobs.JobItems.PK;
import static dev.genapi.core.jobs.JobItems.n;
import static dev.genapi.core.jobs.JobItems.s;
import static dev.genapi.core.jobs.JobItems.toItem;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.encoding.Digests;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Idempotency-Key records ({@code idem#<digest of caller and key>}), written in one transaction with the job
 * they name, so two racing requests with the same key get one job between them (IETF Idempotency-Key draft).
 */
public final class IdempotencyKeys {

    /** How long an Idempotency-Key is remembered (the IETF draft's suggestion), unless jobs live shorter. */
    static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    /** Tries of an Idempotency-Key transaction that DynamoDB cancelled for a concurrent one. */
    static final int IDEMPOTENCY_TRIES = 5;

    private final JobsTable table;
    private final JobStore jobs;

    public IdempotencyKeys(JobStore jobs) {
        this.table = jobs.table();
        this.jobs = jobs;
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
        String keyPk = pk(job.caller(), key);
        Duration window = IDEMPOTENCY_WINDOW.compareTo(table.retention()) < 0 ? IDEMPOTENCY_WINDOW : table.retention();
        Map<String, AttributeValue> keyItem = Map.of(
                PK, s(keyPk),
                "jobId", s(job.id()),
                "fingerprint", s(fingerprint),
                EXPIRES_AT, n(table.now().plus(window).getEpochSecond()));
        for (int attempt = 1; ; attempt++) {
            try {
                table.dynamo().transactWriteItems(r -> r.transactItems(
                        t -> t.put(p -> p.tableName(table.name()).item(keyItem)
                                .conditionExpression("attribute_not_exists(pk) OR expiresAt <= :now")
                                .expressionAttributeValues(Map.of(":now", n(table.now().getEpochSecond())))),
                        t -> t.put(p -> p.tableName(table.name()).item(toItem(job)).conditionExpression("attribute_not_exists(pk)"))));
                return new IdempotentCreate.Created(job);
            } catch (TransactionCanceledException e) {
                Optional<IdempotentCreate> earlier = earlierUse(keyPk, fingerprint);
                if (earlier.isPresent()) {
                    return earlier.get();
                }
                // A racing request's transaction was still in flight (TransactionConflict): try again shortly.
                if (attempt == IDEMPOTENCY_TRIES) {
                    throw e;
                }
                JobsTable.pause(attempt);
            }
        }
    }

    /**
     * What an earlier submission with this key made of it, if it did: the same job (a replay) or a conflict;
     * empty when the key is free. A replay answers before anything else is checked of the request.
     */
    public Optional<IdempotentCreate> earlierUse(Optional<Caller> caller, String key, String fingerprint) {
        return earlierUse(pk(caller, key), fingerprint);
    }

    private Optional<IdempotentCreate> earlierUse(String keyPk, String fingerprint) {
        Map<String, AttributeValue> existing = table.dynamo().getItem(r -> r.tableName(table.name()).consistentRead(true)
                .key(Map.of(PK, s(keyPk)))).item();
        if (existing == null || existing.isEmpty() || JobItems.expired(existing, table.now())) {
            return Optional.empty();
        }
        if (!existing.get("fingerprint").s().equals(fingerprint)) {
            return Optional.of(new IdempotentCreate.Conflict());
        }
        Optional<Job> original = jobs.find(existing.get("jobId").s());
        if (original.isPresent()) {
            return Optional.of(new IdempotentCreate.Replayed(original.get()));
        }
        forgetStaleKey(keyPk, existing.get("jobId").s()); // its job has expired: the key is free
        return Optional.empty();
    }

    private void forgetStaleKey(String keyPk, String jobId) {
        try {
            table.dynamo().deleteItem(r -> r.tableName(table.name()).key(Map.of(PK, s(keyPk)))
                    .conditionExpression("jobId = :job").expressionAttributeValues(Map.of(":job", s(jobId))));
        } catch (ConditionalCheckFailedException alreadyReplaced) {
            // another request took the key over: the next try sees its record
        }
    }

    static String pk(Optional<Caller> caller, String key) {
        return "idem#" + Digests.sha256Hex(caller.map(Caller::scope).orElse("") + "\n" + key);
    }
}
