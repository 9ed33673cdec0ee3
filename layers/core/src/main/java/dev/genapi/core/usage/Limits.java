package dev.genapi.core.usage;

/**
 * A caller's spending limits, in nano-dollars, and where they come from.
 *
 * @param tier   the usage tier whose defaults apply (or applied before an override)
 * @param custom whether an operator set this caller's limits
 */
public record Limits(String tier, long dailyNanoUsd, long monthlyNanoUsd, boolean custom) {

    public long of(Period period) {
        return period == Period.DAY ? dailyNanoUsd : monthlyNanoUsd;
    }
}
