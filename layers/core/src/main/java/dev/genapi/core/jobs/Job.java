package dev.genapi.core.jobs;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.generation.Generation;
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
 */
public record Job(String id, Optional<Caller> caller, JobStatus status, int attempts, String request,
                  String cacheControl, Instant createdAt, Instant updatedAt, Generation result, boolean resultCached,
                  JobError error, boolean deadLettered, String batchId, Integer batchIndex, String customId,
                  Instant leaseUntil, Instant expiresAt) {

    /**
     * Whether {@code someone} may see it: its owner, or anyone who holds the id when it has no owner (a
     * producer queued it without a caller; the unguessable id is then the only key to it).
     */
    public boolean visibleTo(Caller someone) {
        return caller.isEmpty() || caller.get().scope().equals(someone.scope());
    }
}
