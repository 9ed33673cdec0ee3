package dev.genapi.status;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.http.ApiEndpoint;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.jobs.Batch;
import dev.genapi.core.jobs.Batches;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobJson;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.jobs.JobSummary;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.problem.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * StatusFunction: GET /v1/jobs/{id} and GET /v1/batches/{id}. Read-only on the jobs table, and it loads no
 * model code. An unknown id, an expired job and another caller's job all get the same 404, so a caller
 * learns nothing about ids that are not theirs.
 */
public final class StatusHandler implements RequestStreamHandler {

    static final String POLL_AFTER = Integer.toString(JobJson.POLL_AFTER_SECONDS);
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1_000;

    private final JobStore jobs;
    private final Batches batches;
    private final CallerIdentity callers;

    /** Lambda's entry point: the real dependencies, built once per container from the environment. */
    public StatusHandler() {
        this(Env.system());
    }

    /** The composition root; the local stack calls it with the environment template.yaml declares. */
    public StatusHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    /** For tests: the same wiring on a clock they control. */
    StatusHandler(Env env, Clock clock) {
        this.jobs = JobStore.from(env, AwsClients.dynamoDb(env), clock);
        this.batches = new Batches(jobs.table());
        this.callers = CallerIdentity.from(env);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ApiEndpoint.serve(input, output, request -> {
            ApiEndpoint.requireMethod(request, "GET");
            return switch (request.resource()) {
                case "/v1/jobs/{id}" -> job(request);
                case "/v1/batches/{id}" -> batch(request);
                default -> throw Problem.of(ProblemType.NOT_FOUND, "No such route: " + request.resource()).toException();
            };
        });
    }

    private ApiResponse job(ApiRequest request) {
        Optional<String> caller = Optional.of(callers.of(request).scope());
        String id = request.pathParameter("id").orElse("");
        Job job = (Ids.isJobId(id) ? jobs.find(id) : Optional.<Job>empty())
                .filter(found -> found.visibleTo(caller))
                .orElseThrow(() -> Problem.of(ProblemType.NOT_FOUND, "There is no job " + id + ".").toException());
        Map<String, String> headers = job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING
                ? Map.of("Retry-After", POLL_AFTER) : Map.of();
        return ApiResponses.json(200, JobJson.of(job), headers, request.requestId());
    }

    private ApiResponse batch(ApiRequest request) {
        Optional<String> caller = Optional.of(callers.of(request).scope());
        String id = request.pathParameter("id").orElse("");
        Batch batch = (Ids.isBatchId(id) ? batches.findBatch(id) : Optional.<Batch>empty())
                .filter(found -> found.visibleTo(caller))
                .orElseThrow(() -> Problem.of(ProblemType.NOT_FOUND, "There is no batch " + id + ".").toException());
        int limit = pageSize(request);
        int after = after(request);
        List<JobSummary> all = batches.batchJobs(batch.id());

        Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus status : JobStatus.values()) {
            counts.put(status, 0);
        }
        all.forEach(job -> counts.merge(job.status(), 1, Integer::sum));
        boolean completed = counts.get(JobStatus.SUCCEEDED) + counts.get(JobStatus.FAILED) == batch.total();

        ObjectNode body = Json.object().put("id", batch.id())
                .put("status", completed ? "COMPLETED" : "RUNNING")
                .put("total", batch.total())
                .put("createdAt", batch.createdAt().toString());
        body.putObject("counts")
                .put("queued", counts.get(JobStatus.QUEUED))
                .put("running", counts.get(JobStatus.RUNNING))
                .put("succeeded", counts.get(JobStatus.SUCCEEDED))
                .put("failed", counts.get(JobStatus.FAILED));
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
        return ApiResponses.json(200, body, completed ? Map.of() : Map.of("Retry-After", POLL_AFTER), request.requestId());
    }

    private static int pageSize(ApiRequest request) {
        String raw = request.queryParameter("limit").orElse(Integer.toString(DEFAULT_PAGE_SIZE));
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_PAGE_SIZE) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw Problems.invalidFields(List.of(new Problem.FieldError("limit",
                "must be an integer from 1 to " + MAX_PAGE_SIZE))).toException();
    }

    /** nextToken is the batch index of the last job on the previous page. */
    private static int after(ApiRequest request) {
        Optional<String> token = request.queryParameter("nextToken");
        if (token.isEmpty()) {
            return -1;
        }
        try {
            int after = Integer.parseInt(token.get());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw Problems.invalidFields(List.of(new Problem.FieldError("nextToken",
                "is not a token this API gave out"))).toException();
    }
}
