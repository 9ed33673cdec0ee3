package dev.genapi.worker;

import dev.genapi.core.jobs.JobError;
import dev.genapi.core.queue.MessageVisibility;
import dev.genapi.core.queue.RetryBackoff;
import dev.genapi.core.queue.Disposition;
import java.time.Duration;

/**
 * What becomes of one delivery of a job's message, decided apart from DynamoDB and SQS: the outcome it
 * records, what SQS is told, when the message comes back, and what the job's record goes through.
 * <ul>
 *   <li>malformed: to the dead-letter queue by SQS's redrive policy (back at once, reported)</li>
 *   <li>adopted: a producer's message without a jobId, queued again under its job's id (acknowledged)</li>
 *   <li>duplicate: the job has ended (acknowledged)</li>
 *   <li>busy: another delivery holds the job; back when its lease ends, and on the last receive the job is
 *       marked dead-lettered</li>
 *   <li>twinRunning: an identical job generates; this one stands down and comes back later</li>
 *   <li>succeeded: acknowledged</li>
 *   <li>failed: a permanent error ends the job (acknowledged)</li>
 *   <li>retried: a transient error requeues the job, back after a backoff (never sooner than Retry-After)</li>
 *   <li>deadLettered: a transient error on the last receive fails the job, and SQS moves the message on</li>
 *   <li>awsFailed: DynamoDB or SQS failed; back soon, the job released if the attempt held it</li>
 * </ul>
 */
final class DeliveryPolicy {

    /** What the job's record goes through. */
    enum Transition {
        NONE, SUCCEED, FAIL, DEAD_LETTER, REQUEUE, STAND_DOWN, MARK_DEAD_LETTERED
    }

    /** @param visibilitySeconds when the message comes back; null leaves what SQS set */
    record Decision(String outcome, Disposition disposition, Integer visibilitySeconds, Transition transition) {
    }

    private final WorkerConfig config;
    private final RetryBackoff backoff;

    DeliveryPolicy(WorkerConfig config, RetryBackoff backoff) {
        this.config = config;
        this.backoff = backoff;
    }

    Decision malformed() {
        return new Decision("malformed", Disposition.REPORT_FAILURE, 0, Transition.NONE);
    }

    Decision adopted() {
        return new Decision("adopted", Disposition.ACKNOWLEDGE, null, Transition.NONE);
    }

    Decision ended() {
        return new Decision("duplicate", Disposition.ACKNOWLEDGE, null, Transition.NONE);
    }

    /** @param leaseLeft how long the delivery that holds the job may still run; null when it is not running */
    Decision busy(int receiveCount, Duration leaseLeft) {
        long wait = leaseLeft == null ? 1 : leaseLeft.toSeconds() + 1;
        return new Decision("busy", Disposition.REPORT_FAILURE, (int) Math.max(1, wait),
                lastReceive(receiveCount) ? Transition.MARK_DEAD_LETTERED : Transition.NONE);
    }

    /** @param heldTheJob whether this delivery's attempt held the job when DynamoDB or SQS failed */
    Decision awsFailed(int receiveCount, boolean heldTheJob) {
        Transition release = !heldTheJob ? Transition.NONE
                : lastReceive(receiveCount) ? Transition.DEAD_LETTER : Transition.REQUEUE;
        return new Decision("awsFailed", Disposition.REPORT_FAILURE, MessageVisibility.AWS_FAILURE_RETRY_SECONDS, release);
    }

    boolean mayWaitForTwin(int receiveCount) {
        return config.mayWaitForTwin(receiveCount);
    }

    Decision twinRunning(int receiveCount) {
        return new Decision("twinRunning", Disposition.REPORT_FAILURE, config.twinWaitSeconds(receiveCount),
                Transition.STAND_DOWN);
    }

    Decision succeeded() {
        return new Decision("succeeded", Disposition.ACKNOWLEDGE, null, Transition.SUCCEED);
    }

    /** @param attempts the job's attempts so far, this one included */
    Decision failed(JobError error, Integer retryAfter, int receiveCount, int attempts) {
        if (!error.retryable()) {
            return new Decision("failed", Disposition.ACKNOWLEDGE, null, Transition.FAIL);
        }
        if (lastReceive(receiveCount)) {
            return new Decision("deadLettered", Disposition.REPORT_FAILURE, 0, Transition.DEAD_LETTER);
        }
        return new Decision("retried", Disposition.REPORT_FAILURE, backoff.seconds(attempts, retryAfter),
                Transition.REQUEUE);
    }

    private boolean lastReceive(int receiveCount) {
        return receiveCount >= config.maxReceiveCount();
    }
}
