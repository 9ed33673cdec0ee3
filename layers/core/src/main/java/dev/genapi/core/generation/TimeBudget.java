package dev.genapi.core.generation;

import com.amazonaws.services.lambda.runtime.Context;
import dev.genapi.core.config.Env;
import java.time.Duration;

/**
 * How long one generation may take: {@code GENERATION_BUDGET_SECONDS} (name as in template.yaml), and never
 * past the invocation's end less {@code margin}, the time kept to settle the budget, store the answer and
 * reply before Lambda stops the function.
 */
public record TimeBudget(Duration budget, Duration margin) {

    public static TimeBudget from(Env env, Duration margin) {
        return new TimeBudget(env.seconds("GENERATION_BUDGET_SECONDS", 26, 1, 900), margin);
    }

    /** From now. Without a context (a test calling the handler directly), the budget alone. */
    public Deadline deadline(Context context) {
        if (context == null) {
            return Deadline.in(budget);
        }
        Duration invocationLeft = Duration.ofMillis(context.getRemainingTimeInMillis()).minus(margin);
        return Deadline.in(invocationLeft.compareTo(budget) < 0 ? invocationLeft : budget);
    }
}
