package dev.genapi.core.jobs;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.webhooks.Callback;
import java.time.Instant;
import java.util.Optional;

/**
 * A batch of jobs submitted together; its jobs carry its id and their index in it.
 *
 * @param caller   the owning caller's scope, empty when a producer queued it without one
 * @param callback where its status is POSTed once every job has finished; null without one
 */
public record Batch(String id, Optional<String> caller, int total, Instant createdAt, Instant expiresAt,
                    Callback callback) {

    public Batch withCallback(Callback newCallback) {
        return new Batch(id, caller, total, createdAt, expiresAt, newCallback);
    }

    /**
     * Whether {@code someone} may see it: its owner, or anyone who holds the id when it has no owner (a
     * producer queued it without a caller; the unguessable id is then the only key to it).
     */
    public boolean visibleTo(Caller someone) {
        return caller.isEmpty() || caller.get().equals(someone.scope());
    }
}
