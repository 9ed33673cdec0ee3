package dev.genapi.core.queue;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a failed record's message stays invisible before SQS redelivers it (a job whose model failed, a
 * callback whose receiver failed): exponential in the attempt, with jitter so that records failing together
 * do not return together, and never shorter than the delay the other side asked for (Retry-After). SQS
 * allows at most 12 hours.
 */
public final class RetryBackoff {

    static final Duration SQS_MAX_VISIBILITY = Duration.ofHours(12);

    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;

    public RetryBackoff(Duration base, Duration max, RandomGenerator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    /**
     * @param attempt    1 for the first attempt; the delay before the next is drawn from [d/2, d] with
     *                   d = base × 2^(attempt-1), capped at the maximum
     * @param retryAfter seconds the other side asked for, or null
     */
    public int seconds(int attempt, Integer retryAfter) {
        long exponential = Math.min(max.toSeconds(), base.toSeconds() << Math.min(20, Math.max(0, attempt - 1)));
        long jittered = exponential <= 1 ? exponential : exponential / 2 + random.nextLong(exponential / 2 + 1);
        long delay = Math.max(jittered, retryAfter == null ? 0 : retryAfter);
        return (int) Math.min(delay, SQS_MAX_VISIBILITY.toSeconds());
    }
}
