package dev.genapi.core.jobs;

import static dev.genapi.core.jobs.JobItems.EXPIRES_AT;
import static dev.genapi.core.jobs.JobItems.PK;
import static dev.genapi.core.jobs.JobItems.n;
import static dev.genapi.core.jobs.JobItems.optional;
import static dev.genapi.core.jobs.JobItems.s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Batches ({@code batch#<id>} items) and the jobs of one, listed through the table's batch index. */
public final class Batches {

    /** A batch with a callback: how many of its jobs have not finished. */
    static final String REMAINING = "remaining";

    private final JobsTable table;

    public Batches(JobsTable table) {
        this.table = table;
    }

    public Batch newBatch(String id, Optional<String> caller, int total) {
        Instant now = table.now();
        return new Batch(id, caller, total, now, now.plus(table.retention()), null);
    }

    public void createBatch(Batch batch) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s("batch#" + batch.id()));
        item.put("batchId", s(batch.id()));
        batch.caller().ifPresent(caller -> item.put("caller", s(caller)));
        item.put("total", n(batch.total()));
        item.put("createdAt", n(batch.createdAt().toEpochMilli()));
        item.put(EXPIRES_AT, n(batch.expiresAt().getEpochSecond()));
        if (batch.callback() != null) {
            item.put(JobItems.CALLBACK, JobItems.callbackValue(batch.callback()));
            item.put(REMAINING, n(batch.total())); // counted down as its jobs finish (Callbacks.countFinished)
        }
        table.dynamo().putItem(r -> r.tableName(table.name()).item(item));
    }

    public Optional<Batch> findBatch(String id) {
        Map<String, AttributeValue> item = table.dynamo().getItem(r -> r.tableName(table.name()).consistentRead(true)
                .key(Map.of(PK, s("batch#" + id)))).item();
        if (item == null || item.isEmpty() || JobItems.expired(item, table.now())) {
            return Optional.empty();
        }
        return Optional.of(new Batch(id, optional(item, "caller"), Integer.parseInt(item.get("total").n()),
                Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n())),
                Instant.ofEpochSecond(Long.parseLong(item.get(EXPIRES_AT).n())), JobItems.toCallback(item)));
    }

    /** Every job of a batch, in submission order (from the batch index, which may lag writes slightly). */
    public List<JobSummary> batchJobs(String batchId) {
        List<JobSummary> jobs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = table.dynamo().query(r -> r.tableName(table.name()).indexName(table.batchIndex())
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
}
