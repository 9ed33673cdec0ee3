package dev.genapi.core.generation;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A generation's deadline: its budget, or the invocation's remaining time less the margin, whichever is sooner. */
class TimeBudgetTest {

    static final TimeBudget SYNCHRONOUS = new TimeBudget(Duration.ofSeconds(26), Duration.ofSeconds(3));

    static Duration left(Deadline deadline) {
        return deadline.left().plusMillis(50).withNanos(0); // a few microseconds pass between making and reading it
    }

    @Test
    void aFreshInvocationGetsTheWholeBudget() {
        assertThat(left(SYNCHRONOUS.deadline(remaining(29_000)))).isEqualTo(Duration.ofSeconds(26));
        assertThat(left(SYNCHRONOUS.deadline(remaining(600_000)))).isEqualTo(Duration.ofSeconds(26));
    }

    @Test
    void anInvocationWithLessTimeLeftKeepsItsMarginForTheAnswer() {
        assertThat(left(SYNCHRONOUS.deadline(remaining(20_000)))).isEqualTo(Duration.ofSeconds(17));
    }

    @Test
    void anInvocationInsideItsMarginHasNoTimeToGenerate() {
        assertThat(SYNCHRONOUS.deadline(remaining(2_000)).left()).isZero();
    }

    @Test
    void withoutAContextTheBudgetAlone() {
        assertThat(left(SYNCHRONOUS.deadline(null))).isEqualTo(Duration.ofSeconds(26));
    }

    @Test
    void theSoonerOfTwoDeadlines() {
        Deadline soon = Deadline.in(Duration.ofSeconds(1));
        Deadline later = Deadline.in(Duration.ofSeconds(5));
        assertThat(soon.orSooner(later)).isSameAs(soon);
        assertThat(later.orSooner(soon)).isSameAs(soon);
        assertThat(left(later.minus(Duration.ofSeconds(2)))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aDeadlineHasPassedOnceItsTimeIsUp() {
        assertThat(Deadline.in(Duration.ofSeconds(5)).passed()).isFalse();
        assertThat(Deadline.in(Duration.ZERO).minus(Duration.ofMillis(1)).passed()).isTrue();
    }

    static Context remaining(int millis) {
        return new Context() {
            public String getAwsRequestId() { return "test"; }
            public String getLogGroupName() { return null; }
            public String getLogStreamName() { return null; }
            public String getFunctionName() { return "GenerateFunction"; }
            public String getFunctionVersion() { return null; }
            public String getInvokedFunctionArn() { return null; }
            public CognitoIdentity getIdentity() { return null; }
            public ClientContext getClientContext() { return null; }
            public int getRemainingTimeInMillis() { return millis; }
            public int getMemoryLimitInMB() { return 1024; }
            public LambdaLogger getLogger() { return null; }
        };
    }
}
