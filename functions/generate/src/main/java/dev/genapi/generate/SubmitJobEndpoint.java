package dev.genapi.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.encoding.Digests;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationRequestJson;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.http.ApiEndpoint;
import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.jobs.CompletionNotices;
import dev.genapi.core.jobs.IdempotencyKeys.IdempotentCreate;
import dev.genapi.core.jobs.IdempotencyKeys;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobMessage;
import dev.genapi.core.jobs.JobQueue;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.usage.BudgetExceededException;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.webhooks.Callback;
import dev.genapi.core.webhooks.WebhookTargets;
import dev.genapi.model.GenerationService;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * POST /v1/jobs: the same body as /v1/generate, answered at once with 202 and a job to poll. The job is
 * written before its message is sent; a failed send leaves it FAILED, never QUEUED forever. A fresh cached
 * result makes the job SUCCEEDED at once, with nothing queued.
 */
final class SubmitJobEndpoint {

    private final GenerationRequestParser parser;
    private final GenerationService service;
    private final Budgets budgets;
    private final JobStore jobs;
    private final IdempotencyKeys idempotencyKeys;
    private final JobQueue queue;
    private final CallerIdentity callers;
    private final WebhookTargets targets;
    private final CompletionNotices notices;
    private final int maxBodyBytes;

    SubmitJobEndpoint(GenerationRequestParser parser, GenerationService service, Budgets budgets, JobStore jobs,
                      JobQueue queue, CallerIdentity callers, WebhookTargets targets, CompletionNotices notices,
                      int maxBodyBytes) {
        this.parser = parser;
        this.service = service;
        this.budgets = budgets;
        this.jobs = jobs;
        this.idempotencyKeys = new IdempotencyKeys(jobs);
        this.queue = queue;
        this.callers = callers;
        this.targets = targets;
        this.notices = notices;
        this.maxBodyBytes = maxBodyBytes;
    }

    ApiResponse handle(ApiRequest request) {
        ApiEndpoint.requireMethod(request, "POST");
        Caller caller = callers.of(request);
        Optional<String> idempotencyKey = IdempotencyKey.read(request);
        JsonNode body = Json.parseBody(request.jsonBody(maxBodyBytes));
        Optional<Callback> callback = CallbackField.take(body, targets);
        GenerationRequest generationRequest = parser.parse(body, "");
        String cacheControl = request.header("Cache-Control").orElse(null);
        ObjectNode requestJson = GenerationRequestJson.of(generationRequest);
        JobRequestSize.require(requestJson, "The request");
        // The callback is part of what a key stands for: the same key with another callbackUrl is another request.
        String fingerprint = Digests.sha256Hex(Json.write(requestJson) + callback.map(c -> "\n" + c.url()).orElse(""));
        if (idempotencyKey.isPresent()) { // a replay gets its job back, whatever is left of the budget now
            Optional<IdempotentCreate> earlier = idempotencyKeys.earlierUse(Optional.of(caller), idempotencyKey.get(), fingerprint);
            if (earlier.isPresent()) {
                request.observation().set("idempotentReplay", true);
                return answer(earlier.get(), request);
            }
        }

        Job job = jobs.newJob(Ids.newJobId(), Optional.of(caller), Json.write(requestJson), cacheControl, null, null, null)
                .withCallback(callback.orElse(null));
        Optional<Generation> cached = service.lookup(generationRequest, Optional.of(caller),
                CacheDirectives.parse(Optional.ofNullable(cacheControl)));
        request.observation().set("jobId", job.id()).set("model", generationRequest.model());
        if (cached.isPresent()) {
            job = jobs.succeededFromCache(job, cached.get());
            request.observation().set("cache", "HIT");
        } else {
            requireRoom(caller, service.maxCost(generationRequest)); // reserved only when the worker runs it
        }

        if (idempotencyKey.isPresent()) {
            IdempotentCreate created = idempotencyKeys.createIdempotently(job, idempotencyKey.get(), fingerprint);
            if (!(created instanceof IdempotentCreate.Created)) {
                return answer(created, request);
            }
        } else {
            jobs.createIfAbsent(job);
        }
        if (cached.isPresent()) {
            service.countHit(caller, cached.get());
            notifyFinished(job);
        }

        if (job.status() == JobStatus.QUEUED) {
            try {
                queue.send(JobMessage.of(job));
            } catch (SdkException e) {
                if (jobs.markEnqueueFailed(job, idempotencyKey.orElse(null))) {
                    Log.warn("the job could not be queued; it is marked FAILED", e, "jobId", job.id());
                    throw Problem.of(ProblemType.QUEUE_UNAVAILABLE, "The job could not be queued and was not started; submit it again.").withRetryAfter(5).toException();
                }
                Log.warn("the send reported a failure, but the worker already has the job", e, "jobId", job.id());
            }
        }
        return JobAcceptance.accepted(job, request);
    }

    /**
     * A job served from the cache at once has finished: its callback is due now. Should SQS fail, the job
     * stands and the failure is logged (the caller already holds the result in the answer's Location).
     */
    private void notifyFinished(Job job) {
        if (job.callback() == null) {
            return;
        }
        try {
            notices.jobEnded(job);
        } catch (SdkException e) {
            Log.error("the callback of a job served from the cache could not be queued", e, "jobId", job.id());
        }
    }

    /** The answer to a key used before: its job again, or 422 for another body. */
    private static ApiResponse answer(IdempotentCreate earlier, ApiRequest request) {
        if (earlier instanceof IdempotentCreate.Replayed replayed) {
            return JobAcceptance.accepted(replayed.job(), request);
        }
        throw Problem.of(ProblemType.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was used in the last 24 hours with a different request body.").toException();
    }

    private void requireRoom(Caller caller, long nanoUsd) {
        try {
            budgets.requireRoomFor(caller, nanoUsd);
        } catch (BudgetExceededException e) {
            throw e.toProblem().toException();
        }
    }

    /** The IETF draft's Idempotency-Key header: a non-empty string of at most 255 printable characters. */
    static final class IdempotencyKey {
        private IdempotencyKey() {
        }

        static Optional<String> read(ApiRequest request) {
            Optional<String> raw = request.header("Idempotency-Key").map(String::trim);
            if (raw.isEmpty()) {
                return raw;
            }
            String key = raw.get().startsWith("\"") && raw.get().endsWith("\"") && raw.get().length() >= 2
                    ? raw.get().substring(1, raw.get().length() - 1) : raw.get();
            if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw Problem.of(ProblemType.INVALID_IDEMPOTENCY_KEY, "Idempotency-Key must be 1 to 255 printable ASCII characters.").toException();
            }
            return Optional.of(key);
        }
    }
}
