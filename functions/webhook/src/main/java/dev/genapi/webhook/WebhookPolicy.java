package dev.genapi.webhook;

import dev.genapi.core.queue.Disposition;
import dev.genapi.core.queue.MessageVisibility;
import dev.genapi.core.queue.RetryBackoff;
import dev.genapi.core.webhooks.Callback;

/**
 * What becomes of one delivery of a webhook notice, decided apart from DynamoDB, SQS and the receiver: the
 * outcome it records, what SQS is told, when the notice comes back, and the state recorded on the callback.
 * <ul>
 *   <li>malformed: to the dead-letter queue at once</li>
 *   <li>gone: the job or batch expired, or has no callback (acknowledged)</li>
 *   <li>duplicate: a later round, or this one settled or being delivered by another notice (acknowledged)</li>
 *   <li>indexLag: the batch's index lags its jobs; back soon, but never on the last two receives</li>
 *   <li>delivered: a 2xx (acknowledged)</li>
 *   <li>refused: a redirect or another 4xx, or a target genapi does not call (acknowledged, final)</li>
 *   <li>retrying: a 408, 429, 5xx, time-out or failed connection; back after a backoff (never sooner than
 *       Retry-After)</li>
 *   <li>deadLettered: the same on the last receive; FAILED, and SQS moves the notice on (it can be redriven)</li>
 *   <li>awsFailed: DynamoDB or SQS failed; back soon</li>
 * </ul>
 */
final class WebhookPolicy {

    /** @param visibilitySeconds when the notice comes back; null leaves what SQS set
     *  @param recorded          the callback's state this attempt records; null when no attempt is recorded */
    record Decision(String outcome, Disposition disposition, Integer visibilitySeconds, Callback.State recorded) {
    }

    /** Seconds before a batch whose index still lags its jobs is looked at again. */
    static final int INDEX_LAG_RETRY_SECONDS = 2;

    private final int maxReceiveCount;
    private final RetryBackoff backoff;

    WebhookPolicy(int maxReceiveCount, RetryBackoff backoff) {
        this.maxReceiveCount = maxReceiveCount;
        this.backoff = backoff;
    }

    Decision malformed() {
        return new Decision("malformed", Disposition.REPORT_FAILURE, 0, null);
    }

    Decision gone() {
        return new Decision("gone", Disposition.ACKNOWLEDGE, null, null);
    }

    Decision duplicate() {
        return new Decision("duplicate", Disposition.ACKNOWLEDGE, null, null);
    }

    Decision awsFailed() {
        return new Decision("awsFailed", Disposition.REPORT_FAILURE, MessageVisibility.AWS_FAILURE_RETRY_SECONDS, null);
    }

    /**
     * Before delivering: a notice whose round is older than the callback's, or whose round already settled,
     * is a duplicate; a batch whose index lags is looked at again, while the notice has deliveries to spare.
     *
     * @return the decision, or null to go on and deliver
     */
    Decision beforeDelivery(int noticeRound, Callback callback, boolean documentComplete, int receiveCount) {
        if (callback.queuedRound() > noticeRound || (callback.queuedRound() == noticeRound && settled(callback))) {
            return duplicate();
        }
        if (!documentComplete && receiveCount < maxReceiveCount - 1) {
            return new Decision("indexLag", Disposition.REPORT_FAILURE, INDEX_LAG_RETRY_SECONDS, null);
        }
        return null;
    }

    /** A target genapi does not call. */
    Decision refusedTarget() {
        return new Decision("refused", Disposition.ACKNOWLEDGE, null, Callback.State.REFUSED);
    }

    /**
     * The receiver's answer.
     *
     * @param status            its HTTP status; 0 when it could not be reached
     * @param retryAfterSeconds what it asked for, or negative
     * @param attempt           this attempt's number (1 for the first)
     */
    Decision answered(int status, int retryAfterSeconds, int attempt, int receiveCount) {
        if (status >= 200 && status < 300) {
            return new Decision("delivered", Disposition.ACKNOWLEDGE, null, Callback.State.DELIVERED);
        }
        if (status != 0 && status != 408 && status != 429 && status < 500) {
            return refusedTarget();
        }
        if (receiveCount >= maxReceiveCount) {
            return new Decision("deadLettered", Disposition.REPORT_FAILURE, 0, Callback.State.FAILED);
        }
        return new Decision("retrying", Disposition.REPORT_FAILURE,
                backoff.seconds(attempt, retryAfterSeconds < 0 ? null : retryAfterSeconds), Callback.State.RETRYING);
    }

    /** Delivered or refused (by genapi or the receiver): nothing a repeat could change. A FAILED one may be redriven. */
    private static boolean settled(Callback callback) {
        return callback.state() == Callback.State.DELIVERED || callback.state() == Callback.State.REFUSED;
    }
}
