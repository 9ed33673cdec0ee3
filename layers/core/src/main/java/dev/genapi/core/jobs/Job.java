package dev.genapi.core.jobs;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.webhooks.Callback;
import java.time.Instant;
import java.util.Optional;

/**
 * One asynchronous generation.
 *
 * @param caller       the caller that owns it, and whose budget and cache it uses; empty when a producer
 *                     queued it without one
 * @param request      the generation request as a {@code /v1/generate} body; dropped once SUCCEEDED
 * @param cacheControl the submitting request's Cache-Control, applied when the job runs
 * @param result       the generation, once SUCCEEDED
 * @param resultCached whether the result was served from the response cache
 * @param leaseUntil   while RUNNING, until when the attempt that holds it may still be working
 * @param expiresAt    when the job is forgotten (reads treat it as gone from then on)
 * @param callback     where its status is POSTed when it finishes, and how that went; null without one
 */
public record Job(String id, Optional<Caller> caller, JobStatus status, int attempts, String request,
                  String cacheControl, Instant createdAt, Instant updatedAt, Generation result, boolean resultCached,
                  JobError error, boolean deadLettered, String batchId, Integer batchIndex, String customId,
                  Instant leaseUntil, Instant expiresAt, Callback callback) {

    /**
     * Whether {@code someone} may see it: its owner, or anyone who holds the id when it has no owner (a
     * producer queued it without a caller; the unguessable id is then the only key to it).
     */
    public boolean visibleTo(Caller someone) {
        return caller.isEmpty() || caller.get().scope().equals(someone.scope());
    }

    /** The same job, with a callback to POST its status to when it finishes. */
    public Job withCallback(Callback newCallback) {
        return new Job(id, caller, status, attempts, request, cacheControl, createdAt, updatedAt, result, resultCached,
                error, deadLettered, batchId, batchIndex, customId, leaseUntil, expiresAt, newCallback);
    }

    /** A finish's round for its callback: a redriven job that ends again ends a new round. */
    public int round() {
        return Math.max(1, attempts);
    }
}
