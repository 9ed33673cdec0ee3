package dev.genapi.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.core.queue.Disposition;
import dev.genapi.core.queue.RetryBackoff;
import dev.genapi.core.webhooks.Callback;
import dev.genapi.webhook.WebhookPolicy.Decision;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every outcome of a webhook delivery, one test a row: outcome, what SQS is told, when it comes back, what is recorded. */
class WebhookPolicyTest {

    static final int LAST = 8;
    /** Draws the top of every range, so that a backoff is its whole step. */
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
    final WebhookPolicy policy = new WebhookPolicy(LAST, new RetryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(900), TOP));

    static Callback callback(Callback.State state, int queuedRound) {
        return new Callback("https://hooks.example.com", state, queuedRound, 0, 0, null, null, null);
    }

    static void assertDecision(Decision decision, String outcome, Disposition disposition, Integer visibility,
                               Callback.State recorded) {
        assertThat(decision).isEqualTo(new Decision(outcome, disposition, visibility, recorded));
    }

    @Test
    void malformedGoesToTheDeadLetterQueueAtOnce() {
        assertDecision(policy.malformed(), "malformed", Disposition.REPORT_FAILURE, 0, null);
    }

    @Test
    void goneIsAcknowledged() {
        assertDecision(policy.gone(), "gone", Disposition.ACKNOWLEDGE, null, null);
    }

    @Test
    void anOlderRoundOrASettledOneIsADuplicate() {
        assertDecision(policy.beforeDelivery(1, callback(Callback.State.PENDING, 2), true, 1), "duplicate",
                Disposition.ACKNOWLEDGE, null, null);
        assertDecision(policy.beforeDelivery(2, callback(Callback.State.DELIVERED, 2), true, 1), "duplicate",
                Disposition.ACKNOWLEDGE, null, null);
        assertDecision(policy.beforeDelivery(2, callback(Callback.State.REFUSED, 2), true, 1), "duplicate",
                Disposition.ACKNOWLEDGE, null, null);
        assertDecision(policy.duplicate(), "duplicate", Disposition.ACKNOWLEDGE, null, null);
    }

    @Test
    void aFailedRoundMayBeRedrivenAndAFreshOneDelivered() {
        assertThat(policy.beforeDelivery(2, callback(Callback.State.FAILED, 2), true, 1)).isNull();
        assertThat(policy.beforeDelivery(2, callback(Callback.State.PENDING, 1), true, 1)).isNull();
    }

    @Test
    void aLaggingBatchIndexIsLookedAtAgainExceptOnTheLastTwoReceives() {
        assertDecision(policy.beforeDelivery(1, callback(Callback.State.PENDING, 1), false, LAST - 2), "indexLag",
                Disposition.REPORT_FAILURE, 2, null);
        assertThat(policy.beforeDelivery(1, callback(Callback.State.PENDING, 1), false, LAST - 1)).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 202, 204, 299})
    void aTwoHundredDelivers(int status) {
        assertDecision(policy.answered(status, -1, 1, 1), "delivered", Disposition.ACKNOWLEDGE, null, Callback.State.DELIVERED);
    }

    @ParameterizedTest
    @ValueSource(ints = {101, 301, 302, 400, 401, 403, 404, 410, 422})
    void aRedirectOrAnotherClientErrorIsTheReceiversRefusal(int status) {
        assertDecision(policy.answered(status, 60, 1, 1), "refused", Disposition.ACKNOWLEDGE, null, Callback.State.REFUSED);
    }

    @Test
    void aTargetGenapiDoesNotCallIsRefused() {
        assertDecision(policy.refusedTarget(), "refused", Disposition.ACKNOWLEDGE, null, Callback.State.REFUSED);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 408, 429, 500, 502, 503, 504})
    void aFailingOrUnreachableReceiverIsTriedAgainWithBackoff(int status) {
        assertDecision(policy.answered(status, -1, 1, 1), "retrying", Disposition.REPORT_FAILURE, 10, Callback.State.RETRYING);
        assertDecision(policy.answered(status, -1, 3, 3), "retrying", Disposition.REPORT_FAILURE, 40, Callback.State.RETRYING);
    }

    @Test
    void neverSoonerThanTheReceiversRetryAfter() {
        assertDecision(policy.answered(429, 120, 1, 1), "retrying", Disposition.REPORT_FAILURE, 120, Callback.State.RETRYING);
    }

    @Test
    void onTheLastReceiveItIsFailedAndDeadLettered() {
        assertDecision(policy.answered(503, 120, LAST, LAST), "deadLettered", Disposition.REPORT_FAILURE, 0,
                Callback.State.FAILED);
    }

    @Test
    void anAwsFailureComesBackSoon() {
        assertDecision(policy.awsFailed(), "awsFailed", Disposition.REPORT_FAILURE, 10, null);
    }
}
