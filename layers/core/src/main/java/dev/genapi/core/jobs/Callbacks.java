package dev.genapi.core.jobs;

import static dev.genapi.core.jobs.JobItems.CALLBACK;
import static dev.genapi.core.jobs.JobItems.PK;
import static dev.genapi.core.jobs.JobItems.n;
import static dev.genapi.core.jobs.JobItems.s;

import dev.genapi.core.webhooks.Callback;
import dev.genapi.core.webhooks.WebhookNotice;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The delivery state of callbacks, kept in the {@code callback} map of their job or batch item, each change a
 * conditional write so that a newer round is never overwritten by an older one; and the count of a batch's
 * unfinished jobs, which tells when its own callback is due.
 */
public final class Callbacks {

    private final JobsTable table;

    public Callbacks(JobsTable table) {
        this.table = table;
    }

    /** Marks the round queued; false when it (or a later one) already was, or the item has no callback. */
    public boolean markQueued(WebhookNotice notice) {
        try {
            table.dynamo().updateItem(r -> r.tableName(table.name()).key(key(notice))
                    .updateExpression("SET #c.#state = :queued, #c.queuedRound = :round, #c.attempts = :zero, "
                            + "#c.lastStatus = :zero REMOVE #c.lastError, #c.lastAttemptAt, #c.deliveredAt")
                    .conditionExpression("attribute_exists(#c) AND #c.queuedRound < :round")
                    .expressionAttributeNames(Map.of("#c", CALLBACK, "#state", "state"))
                    .expressionAttributeValues(Map.of(":queued", s(Callback.State.QUEUED.name()),
                            ":round", n(notice.round()), ":zero", n(0))));
            return true;
        } catch (ConditionalCheckFailedException alreadyQueued) {
            return false;
        }
    }

    /**
     * Takes the notice's round for the delivery that {@code messageId} carries, so that of several notices of
     * one round (two workers may both find a batch finished) one delivers and the others step aside. The
     * delivery that holds a round keeps it across its retries (SQS keeps a message's id); a round given up
     * after its retries (FAILED) is taken over, afresh, by a redriven notice. A new round starts afresh.
     *
     * @return the attempts this round has had, or empty when another delivery holds it
     */
    public OptionalInt claim(WebhookNotice notice, String messageId) {
        Map<String, String> names = Map.of("#c", CALLBACK, "#state", "state");
        String afresh = "SET #c.claimedBy = :me, #c.claimedRound = :round, #c.queuedRound = :round, "
                + "#c.#state = :queued, #c.attempts = :zero, #c.lastStatus = :zero "
                + "REMOVE #c.lastError, #c.lastAttemptAt, #c.deliveredAt";
        Map<String, AttributeValue> values = Map.of(":me", s(messageId), ":round", n(notice.round()),
                ":queued", s(Callback.State.QUEUED.name()), ":zero", n(0));
        try { // a round nobody has claimed yet
            update(notice, afresh, "attribute_exists(#c) AND #c.queuedRound <= :round "
                    + "AND (attribute_not_exists(#c.claimedRound) OR #c.claimedRound < :round)", names, values);
            return OptionalInt.of(0);
        } catch (ConditionalCheckFailedException claimed) {
            // fall through: this round was claimed, perhaps by this very delivery on an earlier receive
        }
        try { // this delivery's own round, received again
            Map<String, AttributeValue> item = table.dynamo().updateItem(r -> r.tableName(table.name()).key(key(notice))
                    .updateExpression("SET #c.claimedBy = :me")
                    .conditionExpression("#c.claimedRound = :round AND #c.claimedBy = :me")
                    .expressionAttributeNames(Map.of("#c", CALLBACK))
                    .expressionAttributeValues(Map.of(":me", s(messageId), ":round", n(notice.round())))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return OptionalInt.of(Integer.parseInt(item.get(CALLBACK).m().get("attempts").n()));
        } catch (ConditionalCheckFailedException notMine) {
            // fall through
        }
        try { // a round given up after its retries, redriven
            Map<String, AttributeValue> givenUp = new HashMap<>(values);
            givenUp.put(":failed", s(Callback.State.FAILED.name()));
            update(notice, afresh, "#c.claimedRound = :round AND #c.#state = :failed", names, givenUp);
            return OptionalInt.of(0);
        } catch (ConditionalCheckFailedException heldByAnother) {
            return OptionalInt.empty();
        }
    }

    private void update(WebhookNotice notice, String update, String condition, Map<String, String> names,
                        Map<String, AttributeValue> values) {
        table.dynamo().updateItem(r -> r.tableName(table.name()).key(key(notice)).updateExpression(update)
                .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values));
    }

    /**
     * Records one delivery attempt of the round the delivery holds; false when it no longer holds it.
     *
     * @param status the receiver's HTTP status, 0 when it gave none
     * @param error  why the attempt failed, null when it did not
     */
    public boolean recordAttempt(WebhookNotice notice, String messageId, Callback.State state, int status, String error) {
        Instant now = table.now();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":state", s(state.name()), ":one", n(1),
                ":status", n(status), ":now", n(now.toEpochMilli()), ":round", n(notice.round()), ":me", s(messageId)));
        StringBuilder update = new StringBuilder("SET #c.#state = :state, #c.attempts = #c.attempts + :one, "
                + "#c.lastStatus = :status, #c.lastAttemptAt = :now");
        if (state == Callback.State.DELIVERED) {
            update.append(", #c.deliveredAt = :now");
        }
        if (error != null) {
            values.put(":error", s(error));
            update.append(", #c.lastError = :error");
        } else {
            update.append(" REMOVE #c.lastError");
        }
        try {
            table.dynamo().updateItem(r -> r.tableName(table.name()).key(key(notice)).updateExpression(update.toString())
                    // and no later round was queued meanwhile (a redriven job that ended again)
                    .conditionExpression("#c.claimedRound = :round AND #c.claimedBy = :me AND #c.queuedRound = :round")
                    .expressionAttributeNames(Map.of("#c", CALLBACK, "#state", "state"))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException laterRound) {
            return false;
        }
    }

    /**
     * Counts a finished job of a batch that has a callback, once whatever happens to the job later (a
     * redriven job is not counted again), and returns how many of the batch's jobs have not finished.
     */
    public int countFinished(String jobId, String batchId) {
        try {
            table.dynamo().transactWriteItems(r -> r.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(table.name()).key(JobItems.jobKey(jobId))
                            .updateExpression("SET countedInBatch = :true")
                            .conditionExpression("attribute_exists(pk) AND attribute_not_exists(countedInBatch)")
                            .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true)))).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(table.name())
                            .key(Map.of(PK, s("batch#" + batchId)))
                            .updateExpression("ADD " + Batches.REMAINING + " :minusOne")
                            .conditionExpression("attribute_exists(" + Batches.REMAINING + ")")
                            .expressionAttributeValues(Map.of(":minusOne", n(-1)))).build()));
        } catch (TransactionCanceledException e) {
            if (conditionFailed(e, 1)) {
                return Integer.MAX_VALUE; // the batch counts nothing down: it has no callback, or has expired
            }
            if (!conditionFailed(e, 0)) {
                throw e; // throttled or in conflict: the caller tries again later
            }
            // counted before (by an earlier delivery of the same end): read where the count stands
        }
        Map<String, AttributeValue> batch = table.dynamo().getItem(r -> r.tableName(table.name()).consistentRead(true)
                .key(Map.of(PK, s("batch#" + batchId)))).item();
        AttributeValue remaining = batch == null ? null : batch.get(Batches.REMAINING);
        return remaining == null ? Integer.MAX_VALUE : Integer.parseInt(remaining.n());
    }

    private static boolean conditionFailed(TransactionCanceledException e, int item) {
        return e.hasCancellationReasons() && e.cancellationReasons().size() > item
                && "ConditionalCheckFailed".equals(e.cancellationReasons().get(item).code());
    }

    private static Map<String, AttributeValue> key(WebhookNotice notice) {
        return Map.of(PK, s((notice.kind() == WebhookNotice.Kind.JOB ? "job#" : "batch#") + notice.id()));
    }
}
