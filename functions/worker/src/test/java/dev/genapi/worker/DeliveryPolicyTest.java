package dev.genapi.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.core.jobs.JobError;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.queue.RetryBackoff;
import dev.genapi.worker.DeliveryPolicy.Decision;
import dev.genapi.worker.DeliveryPolicy.Transition;
import dev.genapi.core.queue.Disposition;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Every outcome of a delivery, one test a row: outcome, what SQS is told, when it comes back, the job's transition. */
class DeliveryPolicyTest {

    static final int LAST = 5;
    /** A random source that always draws the top of the range, so that a backoff is its whole step. */
    static final RandomGenerator TOP = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };
    final WorkerConfig config = new WorkerConfig("queue", LAST, Duration.ofSeconds(905), Duration.ofSeconds(2),
            Duration.ofSeconds(300), 5, Duration.ofSeconds(10));
    final DeliveryPolicy policy = new DeliveryPolicy(config, new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(300), TOP));

    static final JobError TRANSIENT = JobError.of(ProblemType.MODEL_TIMEOUT, "late", true);
    static final JobError PERMANENT = JobError.of(ProblemType.INVALID_REQUEST, "bad", false);

    static void assertDecision(Decision decision, String outcome, Disposition disposition, Integer visibility,
                               Transition transition) {
        assertThat(decision).isEqualTo(new Decision(outcome, disposition, visibility, transition));
    }

    @Test
    void malformedGoesToTheDeadLetterQueueAtOnce() {
        assertDecision(policy.malformed(), "malformed", Disposition.REPORT_FAILURE, 0, Transition.NONE);
    }

    @Test
    void adoptedIsAcknowledgedOnceRequeuedUnderItsJobsId() {
        assertDecision(policy.adopted(), "adopted", Disposition.ACKNOWLEDGE, null, Transition.NONE);
    }

    @Test
    void anEndedJobsDeliveryIsADuplicate() {
        assertDecision(policy.ended(), "duplicate", Disposition.ACKNOWLEDGE, null, Transition.NONE);
    }

    @Test
    void busyComesBackWhenTheHoldersLeaseEnds() {
        assertDecision(policy.busy(1, Duration.ofSeconds(30)), "busy", Disposition.REPORT_FAILURE, 31, Transition.NONE);
        assertDecision(policy.busy(1, null), "busy", Disposition.REPORT_FAILURE, 1, Transition.NONE);
        assertDecision(policy.busy(1, Duration.ofSeconds(-5)), "busy", Disposition.REPORT_FAILURE, 1, Transition.NONE);
    }

    @Test
    void busyOnTheLastReceiveMarksTheJobDeadLettered() {
        assertDecision(policy.busy(LAST, Duration.ofSeconds(30)), "busy", Disposition.REPORT_FAILURE, 31,
                Transition.MARK_DEAD_LETTERED);
    }

    @Test
    void twinRunningStandsDownAndWaitsLongerEachTime() {
        assertDecision(policy.twinRunning(1), "twinRunning", Disposition.REPORT_FAILURE, 10, Transition.STAND_DOWN);
        assertDecision(policy.twinRunning(3), "twinRunning", Disposition.REPORT_FAILURE, 40, Transition.STAND_DOWN);
        assertThat(policy.mayWaitForTwin(LAST - 2)).isTrue();
        assertThat(policy.mayWaitForTwin(LAST - 1)).as("the last two deliveries are the job's own").isFalse();
    }

    @Test
    void succeededIsAcknowledged() {
        assertDecision(policy.succeeded(), "succeeded", Disposition.ACKNOWLEDGE, null, Transition.SUCCEED);
    }

    @Test
    void aPermanentErrorFailsTheJobEvenBeforeTheLastReceive() {
        assertDecision(policy.failed(PERMANENT, null, 1, 1), "failed", Disposition.ACKNOWLEDGE, null, Transition.FAIL);
        assertDecision(policy.failed(PERMANENT, 60, LAST, 5), "failed", Disposition.ACKNOWLEDGE, null, Transition.FAIL);
    }

    @Test
    void aTransientErrorRequeuesTheJobAfterABackoffNeverSoonerThanRetryAfter() {
        assertDecision(policy.failed(TRANSIENT, null, 1, 1), "retried", Disposition.REPORT_FAILURE, 2, Transition.REQUEUE);
        assertDecision(policy.failed(TRANSIENT, null, 3, 3), "retried", Disposition.REPORT_FAILURE, 8, Transition.REQUEUE);
        assertDecision(policy.failed(TRANSIENT, 120, 2, 2), "retried", Disposition.REPORT_FAILURE, 120, Transition.REQUEUE);
    }

    @Test
    void aTransientErrorOnTheLastReceiveDeadLettersTheJob() {
        assertDecision(policy.failed(TRANSIENT, 120, LAST, 5), "deadLettered", Disposition.REPORT_FAILURE, 0,
                Transition.DEAD_LETTER);
    }

    @Test
    void anAwsFailureComesBackSoonReleasingTheJobItHeld() {
        assertDecision(policy.awsFailed(1, false), "awsFailed", Disposition.REPORT_FAILURE, 10, Transition.NONE);
        assertDecision(policy.awsFailed(1, true), "awsFailed", Disposition.REPORT_FAILURE, 10, Transition.REQUEUE);
        assertDecision(policy.awsFailed(LAST, true), "awsFailed", Disposition.REPORT_FAILURE, 10, Transition.DEAD_LETTER);
    }
}
