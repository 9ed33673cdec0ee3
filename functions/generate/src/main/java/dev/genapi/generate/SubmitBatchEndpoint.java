package dev.genapi.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.Deadline;
import dev.genapi.core.generation.GenerationRequestJson;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.http.ApiEndpoint;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.jobs.Batch;
import dev.genapi.core.jobs.Batches;
import dev.genapi.core.jobs.CompletionNotices;
import dev.genapi.core.jobs.CustomIds;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobJson;
import dev.genapi.core.jobs.JobMessage;
import dev.genapi.core.jobs.JobQueue;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.problem.Problem.FieldError;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemException;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.problem.Problems;
import dev.genapi.core.usage.BudgetExceededException;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.webhooks.Callback;
import dev.genapi.core.webhooks.WebhookTargets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * POST /v1/batches: up to the configured number of /v1/generate bodies (each with an optional customId),
 * all validated before anything is stored. Jobs are stored, then queued 10 a call; a job whose message SQS
 * will not take after retries, or that is not sent before the deadline, is marked FAILED and counted in the
 * answer, never dropped.
 */
final class SubmitBatchEndpoint {

    /** Validation errors reported at most, so a bad 1000-request batch gets a readable answer. */
    static final int MAX_REPORTED_ERRORS = 100;

    private final GenerationRequestParser parser;
    private final Budgets budgets;
    private final JobStore jobs;
    private final Batches batches;
    private final JobQueue queue;
    private final CallerIdentity callers;
    private final WebhookTargets targets;
    private final CompletionNotices notices;
    private final int maxRequests;
    private final int maxBodyBytes;
    /** Marks a batch's unqueued jobs in parallel; built once per container. */
    private final ExecutorService markers = Executors.newFixedThreadPool(8, runnable -> {
        Thread thread = new Thread(runnable, "batch-marker");
        thread.setDaemon(true);
        return thread;
    });

    SubmitBatchEndpoint(GenerationRequestParser parser, Budgets budgets, JobStore jobs, JobQueue queue, CallerIdentity callers,
                        WebhookTargets targets, CompletionNotices notices, int maxRequests, int maxBodyBytes) {
        this.parser = parser;
        this.budgets = budgets;
        this.jobs = jobs;
        this.batches = new Batches(jobs.table());
        this.queue = queue;
        this.callers = callers;
        this.targets = targets;
        this.notices = notices;
        this.maxRequests = maxRequests;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** One validated entry of the batch. */
    private record Entry(String customId, ObjectNode request) {
    }

    /** @param deadline when to stop queueing, so the function answers before API Gateway gives up */
    ApiResponse handle(ApiRequest request, Deadline deadline) {
        ApiEndpoint.requireMethod(request, "POST");
        Caller caller = callers.of(request);
        JsonNode submitted = Json.parseBody(request.jsonBody(maxBodyBytes));
        Optional<Callback> callback = CallbackField.take(submitted, targets);
        List<Entry> entries = parse(submitted);
        try {
            budgets.requireNotExhausted(caller);
        } catch (BudgetExceededException e) {
            throw e.toProblem().toException();
        }
        String cacheControl = request.header("Cache-Control").orElse(null);

        Batch batch = batches.newBatch(Ids.newBatchId(), Optional.of(caller.scope()), entries.size())
                .withCallback(callback.orElse(null));
        request.observation().set("batchId", batch.id()).count(Metric.BATCH_SIZE, entries.size());
        batches.createBatch(batch);
        List<Job> batchJobs = new ArrayList<>();
        List<JobMessage> messages = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            Job job = jobs.newJob(Ids.newJobId(), Optional.of(caller), Json.write(entry.request()), cacheControl, batch.id(), i,
                    entry.customId());
            batchJobs.add(job);
            messages.add(JobMessage.of(job));
        }
        try {
            jobs.createAll(batchJobs);
        } catch (RuntimeException e) {
            Log.warn("the batch could not be stored; the jobs stored so far are marked FAILED", e, "batchId", batch.id());
            markFailed(batchJobs); // those stored must not wait forever
            throw Problems.serviceUnavailable().toException();
        }

        Set<String> unsent = new HashSet<>(queue.sendAll(messages, deadline));
        Set<String> notQueued = markFailed(batchJobs.stream().filter(job -> unsent.contains(job.id())).toList());
        if (notQueued.size() == batchJobs.size()) {
            throw Problem.of(ProblemType.QUEUE_UNAVAILABLE, "No job of the batch could be queued; they are marked FAILED. Submit the batch again.")
                    .withRetryAfter(5).toException();
        }
        countFinished(batch, batchJobs.stream().filter(job -> notQueued.contains(job.id())).toList());
        String statusUrl = request.url("/v1/batches/" + batch.id());
        var body = Json.object().put("id", batch.id()).put("total", batch.total())
                .put("queued", batch.total() - notQueued.size()).put("notQueued", notQueued.size())
                .put("statusUrl", statusUrl);
        return ApiResponses.json(202, body, Map.of("Location", statusUrl,
                "Retry-After", Integer.toString(JobJson.POLL_AFTER_SECONDS)), request.requestId());
    }

    /**
     * Marks jobs that were not queued FAILED, in parallel (a whole batch may need it before the function's
     * deadline). A job the worker already has stays as it is.
     *
     * @return the ids of the jobs that were not queued
     */
    private Set<String> markFailed(List<Job> unqueued) {
        List<Future<Boolean>> marks = new ArrayList<>();
        for (Job job : unqueued) {
            marks.add(markers.submit(() -> jobs.markEnqueueFailed(job, null)));
        }
        Set<String> notQueued = new HashSet<>();
        for (int i = 0; i < unqueued.size(); i++) {
            try {
                if (marks.get(i).get()) {
                    notQueued.add(unqueued.get(i).id());
                }
            } catch (ExecutionException e) {
                Log.error("a job was not queued and could not be marked FAILED", e.getCause(), "jobId", unqueued.get(i).id());
                notQueued.add(unqueued.get(i).id());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                notQueued.add(unqueued.get(i).id());
            }
        }
        return notQueued;
    }

    /**
     * Jobs that ended FAILED at submit count towards the batch's callback, as the worker counts the others.
     * Should that fail, the callback is late: logged, and the batch's status still shows every job.
     */
    private void countFinished(Batch batch, List<Job> failed) {
        if (batch.callback() == null) {
            return;
        }
        for (Job job : failed) {
            try {
                notices.jobEnded(job);
            } catch (SdkException e) {
                Log.error("a job that was not queued could not be counted towards its batch's callback", e,
                        "batchId", batch.id(), "jobId", job.id());
            }
        }
    }

    private List<Entry> parse(JsonNode body) {
        if (!body.isObject()) {
            throw Problem.of(ProblemType.INVALID_REQUEST, "The request body must be a JSON object.")
                    .toException();
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("requests")) {
                throw Problems.invalidFields(List.of(new FieldError(name, "unknown field; a batch has requests and callbackUrl")))
                        .toException();
            }
        }
        JsonNode requests = body.get("requests");
        if (requests == null || !requests.isArray() || requests.isEmpty()) {
            throw Problems.invalidFields(List.of(new FieldError("requests", "must be a non-empty array")))
                    .toException();
        }
        if (requests.size() > maxRequests) {
            throw Problem.of(ProblemType.CONTENT_TOO_LARGE, "A batch holds at most " + maxRequests + " requests; this one has "
                    + requests.size() + ".").toException();
        }
        List<Entry> entries = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        Map<String, Integer> customIds = new HashMap<>();
        for (int i = 0; i < requests.size() && errors.size() < MAX_REPORTED_ERRORS; i++) {
            String path = "requests[" + i + "].";
            JsonNode item = requests.get(i);
            String customId = null;
            if (item.isObject() && item.has("customId")) {
                JsonNode id = item.get("customId");
                if (!id.isTextual() || !CustomIds.valid(id.asText())) {
                    errors.add(new FieldError(path + "customId", CustomIds.RULE));
                } else if (customIds.putIfAbsent(id.asText(), i) != null) {
                    errors.add(new FieldError(path + "customId", "repeats requests[" + customIds.get(id.asText()) + "].customId"));
                } else {
                    customId = id.asText();
                }
                item = ((ObjectNode) item.deepCopy()).without("customId");
            }
            try {
                ObjectNode request = GenerationRequestJson.of(parser.parse(item, path));
                JobRequestSize.require(request, path.substring(0, path.length() - 1));
                entries.add(new Entry(customId, request));
            } catch (ProblemException e) {
                Problem problem = e.problem();
                errors.addAll(problem.errors().isEmpty()
                        ? List.of(new FieldError(path.substring(0, path.length() - 1), problem.detail()))
                        : problem.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.invalidFields(errors.subList(0, Math.min(errors.size(), MAX_REPORTED_ERRORS))).toException();
        }
        return entries;
    }
}
