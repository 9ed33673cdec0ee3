package dev.genapi.core.usage;

import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemException;
import dev.genapi.core.problem.ProblemType;
import java.time.Duration;
import java.time.Instant;

/**
 * A caller's budget has no room for a request: the 429 {@code budget-exceeded} problem, with Retry-After
 * until the exceeded period resets. A job refused at run time fails with the same code, and is not retried.
 */
public final class BudgetExceededException extends ProblemException {

    private final Period period;

    BudgetExceededException(Period period, String detail, Instant now) {
        super(Problem.of(ProblemType.BUDGET_EXCEEDED, detail).withRetryAfter(
                (int) Math.max(1, Duration.between(now, period.resetsAt(now)).toSeconds())));
        this.period = period;
    }

    public Period period() {
        return period;
    }
}
