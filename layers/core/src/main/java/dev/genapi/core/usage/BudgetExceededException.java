package dev.genapi.core.usage;

import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemException;
import dev.genapi.core.problem.ProblemType;
import java.time.Duration;
import java.time.Instant;

/**
 * A caller's budget has no room for a request: the 429 {@code budget-exceeded} problem. When what is spent
 * leaves no room, Retry-After runs until the period resets, and a job refused at run time fails with the
 * same code, not retried. When only other requests' reservations are in the way, the room comes back as they
 * settle: Retry-After is short, and a job waits for it.
 */
public final class BudgetExceededException extends ProblemException {

    /** Seconds to wait when in-flight reservations, not spending, fill the budget. */
    static final int IN_FLIGHT_RETRY_SECONDS = 2;

    private final Period period;
    private final boolean inFlight;

    BudgetExceededException(Period period, String detail, Instant now, boolean inFlight) {
        super(Problem.of(ProblemType.BUDGET_EXCEEDED, detail).withRetryAfter(inFlight ? IN_FLIGHT_RETRY_SECONDS
                : (int) Math.max(1, Duration.between(now, period.resetsAt(now)).toSeconds())));
        this.period = period;
        this.inFlight = inFlight;
    }

    public Period period() {
        return period;
    }

    /** True when other requests' reservations, not what is spent, leave no room: it clears by itself. */
    public boolean inFlight() {
        return inFlight;
    }
}
