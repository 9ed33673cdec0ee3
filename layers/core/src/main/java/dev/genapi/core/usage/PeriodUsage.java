package dev.genapi.core.usage;

/**
 * A caller's counters for one day or month.
 *
 * @param committedNanoUsd spent plus what in-flight requests have reserved: what the limit is checked against
 */
public record PeriodUsage(long requests, long cacheHits, long inputTokens, long outputTokens, long spentNanoUsd,
                          long savedNanoUsd, long committedNanoUsd) {

    static final PeriodUsage NONE = new PeriodUsage(0, 0, 0, 0, 0, 0, 0);
}
