package dev.genapi.generate;

import dev.genapi.core.encoding.Json;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobJson;
import dev.genapi.core.jobs.JobStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** The 202 answer to a submitted job: where to poll, and when. */
final class JobAcceptance {

    private JobAcceptance() {
    }

    static ApiResponse accepted(Job job, ApiRequest request) {
        String statusUrl = request.url("/v1/jobs/" + job.id());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", statusUrl);
        if (job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING) {
            headers.put("Retry-After", Integer.toString(JobJson.POLL_AFTER_SECONDS));
        }
        var body = Json.object().put("id", job.id()).put("status", job.status().name()).put("statusUrl", statusUrl);
        return ApiResponses.json(202, body, headers, request.requestId());
    }
}
