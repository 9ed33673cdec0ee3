package dev.genapi.core.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.generation.GenerationJson;
import dev.genapi.core.encoding.Json;

/** A job as {@code GET /v1/jobs/{id}} shows it. */
public final class JobJson {

    /** Seconds a client is asked to wait before polling an unfinished job or batch again (Retry-After). */
    public static final int POLL_AFTER_SECONDS = 2;

    private JobJson() {
    }

    public static ObjectNode of(Job job) {
        ObjectNode json = Json.object()
                .put("id", job.id())
                .put("status", job.status().name())
                .put("attempts", job.attempts())
                .put("createdAt", job.createdAt().toString())
                .put("updatedAt", job.updatedAt().toString());
        if (job.customId() != null) {
            json.put("customId", job.customId());
        }
        if (job.batchId() != null) {
            json.put("batchId", job.batchId());
        }
        if (job.result() != null) {
            json.set("result", GenerationJson.of(job.result(), job.resultCached()));
        }
        if (job.error() != null) {
            json.putObject("error").put("code", job.error().code()).put("message", job.error().message())
                    .put("retryable", job.error().retryable());
        }
        json.put("deadLettered", job.deadLettered());
        if (job.callback() != null) {
            json.set("callback", job.callback().toJson());
        }
        return json;
    }
}
