package dev.genapi.status;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.jobs.Batch;
import dev.genapi.core.jobs.BatchJson;
import dev.genapi.core.jobs.Batches;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.JobSummary;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.problem.Problems;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GET /v1/batches/{id}: the batch's counts by status, and its jobs in submission order, a page at a time
 * ({@code limit}, {@code nextToken}). Another caller's batch is the same 404 as an unknown one.
 */
final class BatchStatusEndpoint {

    static final int DEFAULT_PAGE_SIZE = BatchJson.DEFAULT_PAGE_SIZE;
    static final int MAX_PAGE_SIZE = 1_000;

    private final Batches batches;
    private final CallerIdentity callers;

    BatchStatusEndpoint(Batches batches, CallerIdentity callers) {
        this.batches = batches;
        this.callers = callers;
    }

    ApiResponse handle(ApiRequest request) {
        Caller caller = callers.of(request);
        String id = request.pathParameter("id").orElse("");
        request.observation().set("batchId", Ids.isBatchId(id) ? id : null);
        Batch batch = (Ids.isBatchId(id) ? batches.findBatch(id) : Optional.<Batch>empty())
                .filter(found -> found.visibleTo(caller))
                .orElseThrow(() -> Problem.of(ProblemType.NOT_FOUND, "There is no batch " + id + ".").toException());
        int limit = pageSize(request);
        int after = after(request);
        List<JobSummary> all = batches.batchJobs(batch.id());

        boolean completed = BatchJson.completed(batch, all);
        ObjectNode body = BatchJson.of(batch, all, after, limit);
        return ApiResponses.json(200, body, completed ? Map.of() : Map.of("Retry-After", JobStatusEndpoint.POLL_AFTER), request.requestId());
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
