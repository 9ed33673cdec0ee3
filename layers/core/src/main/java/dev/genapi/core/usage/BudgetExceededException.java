package dev.genapi.core.usage;

import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import java.time.Duration;
import java.time.Instant;

/**
 * A caller's budget has no room for a request. When what is spent leaves no room, the wait runs until the
 * period resets, and a job refused at run time fails, not retried. When only other requests' reservations
 * are in the way, the room comes back as they settle: the wait is short, and a job waits for it. The HTTP
 * edge answers it as the 429 {@code budget-exceeded} problem ({@link #toProblem()}).
 */
public final class BudgetExceededException extends RuntimeException {

    /** Seconds to wait when in-flight reservations, not spending, fill the budget. */
    static final int IN_FLIGHT_RETRY_SECONDS = 2;

    private final Period period;
    private final boolean inFlight;
    private final int retryAfterSeconds;

    private BudgetExceededException(Period period, boolean inFlight, int retryAfterSeconds, String detail) {
        super(detail, null, false, false);
        this.period = period;
        this.inFlight = inFlight;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * @param what     what is refused, e.g. "This request"
     * @param inFlight whether in-flight reservations, not spending, leave no room
     */
    static BudgetExceededException of(String what, long nanoUsd, Period period, long limitNanoUsd, Instant now,
                                      boolean inFlight) {
        String detail = what + " may cost up to $" + Money.usd(nanoUsd) + ", and "
                + (inFlight ? "requests in flight have reserved the rest of this " + period.jsonName()
                        + "'s budget of $" + Money.usd(limitNanoUsd) + "; try again shortly."
                        : "this " + period.jsonName() + "'s budget of $" + Money.usd(limitNanoUsd)
                        + " has not that much left (see GET /v1/usage). It resets at " + period.resetsAt(now) + "."
                        + (nanoUsd > limitNanoUsd ? " A lower maxOutputTokens lowers what a request may cost." : ""));
        int retryAfter = inFlight ? IN_FLIGHT_RETRY_SECONDS
                : (int) Math.max(1, Duration.between(now, period.resetsAt(now)).toSeconds());
        return new BudgetExceededException(period, inFlight, retryAfter, detail);
    }

    public Period period() {
        return period;
    }

    /** True when other requests' reservations, not what is spent, leave no room: it clears by itself. */
    public boolean inFlight() {
        return inFlight;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Problem toProblem() {
        return Problem.of(ProblemType.BUDGET_EXCEEDED, getMessage()).withRetryAfter(retryAfterSeconds);
    }
}
