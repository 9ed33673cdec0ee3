package dev.genapi.model;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The time a model call on this thread has left: the fallback chain sets it from the request's time budget
 * (a {@link System#nanoTime()} instant), and the HTTP client never waits past it, nor past its own time-out.
 */
final class CallDeadline {

    private static final ThreadLocal<Long> DEADLINE_NANOS = new ThreadLocal<>();

    private CallDeadline() {
    }

    static <T> T within(long deadlineNanos, Supplier<T> call) {
        Long outer = DEADLINE_NANOS.get();
        DEADLINE_NANOS.set(deadlineNanos);
        try {
            return call.get();
        } finally {
            if (outer == null) {
                DEADLINE_NANOS.remove();
            } else {
                DEADLINE_NANOS.set(outer);
            }
        }
    }

    /** {@code limit}, or less when a deadline is set and nearer (never negative). */
    static Duration limit(Duration limit) {
        Long deadline = DEADLINE_NANOS.get();
        if (deadline == null) {
            return limit;
        }
        long left = Math.max(0, deadline - System.nanoTime());
        return left < limit.toNanos() ? Duration.ofNanos(left) : limit;
    }
}
