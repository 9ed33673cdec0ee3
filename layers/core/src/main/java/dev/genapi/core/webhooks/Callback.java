package dev.genapi.core.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.time.Instant;
import java.util.Locale;

/**
 * A job's or a batch's callback: where its status document is POSTed when it finishes, and how the delivery
 * went, as {@code GET /v1/jobs/{id}} and {@code GET /v1/batches/{id}} show it.
 *
 * @param queuedRound   the last finish queued for delivery: a job's attempt count when it ended (a redriven
 *                      job that ends again is a new round); 0 while nothing is queued
 * @param attempts      delivery attempts of the current round
 * @param lastStatus    the receiver's HTTP status on the last attempt, 0 when it gave none
 * @param lastError     why the last attempt failed, null when it did not
 * @param lastAttemptAt null before the first attempt
 * @param deliveredAt   null until the receiver accepted it
 */
public record Callback(String url, State state, int queuedRound, int attempts, int lastStatus, String lastError,
                       Instant lastAttemptAt, Instant deliveredAt) {

    /** Where a delivery stands. */
    public enum State {
        /** The job or batch has not finished. */
        PENDING,
        /** Finished; the delivery is queued. */
        QUEUED,
        /** The receiver failed (5xx, 429, a timeout, no connection); tried again with backoff. */
        RETRYING,
        /** The receiver answered 2xx. */
        DELIVERED,
        /** Given up: the receiver kept failing past the retry limit (a redrive of its message tries again). */
        FAILED,
        /**
         * Refused for good: by genapi, whose rules do not call the URL's address ({@link WebhookTargets}), or
         * by the receiver (a redirect, or a 4xx other than 408 and 429).
         */
        REFUSED
    }

    /** A callback to a URL, nothing delivered yet. */
    public static Callback pending(String url) {
        return new Callback(url, State.PENDING, 0, 0, 0, null, null, null);
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object().put("url", url).put("state", state.name().toLowerCase(Locale.ROOT))
                .put("attempts", attempts);
        if (lastStatus != 0) {
            json.put("lastStatus", lastStatus);
        }
        if (lastError != null) {
            json.put("lastError", lastError);
        }
        if (lastAttemptAt != null) {
            json.put("lastAttemptAt", lastAttemptAt.toString());
        }
        if (deliveredAt != null) {
            json.put("deliveredAt", deliveredAt.toString());
        }
        return json;
    }
}
