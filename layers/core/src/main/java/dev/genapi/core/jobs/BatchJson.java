package dev.genapi.core.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A batch as {@code GET /v1/batches/{id}} shows it: its counts by status, and a page of its jobs in
 * submission order, after the job whose batch index is {@code after}.
 */
public final class BatchJson {

    public static final int DEFAULT_PAGE_SIZE = 100;

    private BatchJson() {
    }

    /** Whether every job of the batch has finished, by the jobs listed. */
    public static boolean completed(Batch batch, List<JobSummary> all) {
        long finished = all.stream().filter(job -> job.status() == JobStatus.SUCCEEDED || job.status() == JobStatus.FAILED).count();
        return finished == batch.total();
    }

    public static ObjectNode of(Batch batch, List<JobSummary> all, int after, int limit) {
        Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0);
        }
        all.forEach(job -> counts.merge(job.status(), 1, Integer::sum));
        ObjectNode body = Json.object().put("id", batch.id())
                .put("status", completed(batch, all) ? "COMPLETED" : "RUNNING")
                .put("total", batch.total())
                .put("createdAt", batch.createdAt().toString());
        body.putObject("counts")
                .put("queued", counts.get(JobStatus.QUEUED))
                .put("running", counts.get(JobStatus.RUNNING))
                .put("succeeded", counts.get(JobStatus.SUCCEEDED))
                .put("failed", counts.get(JobStatus.FAILED));
        if (batch.callback() != null) {
            body.set("callback", batch.callback().toJson());
        }
        ArrayNode page = body.putArray("jobs");
        List<JobSummary> rest = all.stream().filter(job -> job.batchIndex() > after).toList();
        rest.stream().limit(limit).forEach(job -> {
            ObjectNode entry = page.addObject();
            if (job.customId() != null) {
                entry.put("customId", job.customId());
            }
            entry.put("id", job.id()).put("status", job.status().name());
        });
        if (rest.size() > limit) {
            body.put("nextToken", Integer.toString(rest.get(limit - 1).batchIndex()));
        }
        return body;
    }
}
