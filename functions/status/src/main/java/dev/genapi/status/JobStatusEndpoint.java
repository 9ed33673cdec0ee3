package dev.genapi.status;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobJson;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import java.util.Map;
import java.util.Optional;

/**
 * GET /v1/jobs/{id}. An unknown id, an expired job and another caller's job all get the same 404, so a caller
 * learns nothing about ids that are not theirs; an id that cannot be a job's is never looked up.
 */
final class JobStatusEndpoint {

    static final String POLL_AFTER = Integer.toString(JobJson.POLL_AFTER_SECONDS);

    private final JobStore jobs;
    private final CallerIdentity callers;

    JobStatusEndpoint(JobStore jobs, CallerIdentity callers) {
        this.jobs = jobs;
        this.callers = callers;
    }

    ApiResponse handle(ApiRequest request) {
        Caller caller = callers.of(request);
        String id = request.pathParameter("id").orElse("");
        request.observation().set("jobId", Ids.isJobId(id) ? id : null);
        Job job = (Ids.isJobId(id) ? jobs.find(id) : Optional.<Job>empty())
                .filter(found -> found.visibleTo(caller))
                .orElseThrow(() -> Problem.of(ProblemType.NOT_FOUND, "There is no job " + id + ".").toException());
        Map<String, String> headers = job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING
                ? Map.of("Retry-After", POLL_AFTER) : Map.of();
        return ApiResponses.json(200, JobJson.of(job), headers, request.requestId());
    }
}
