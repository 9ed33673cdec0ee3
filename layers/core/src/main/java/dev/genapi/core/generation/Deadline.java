package dev.genapi.core.generation;

import java.time.Duration;

/**
 * When a generation must be over: every wait and model call of one request or job fits before it, so that
 * the invocation still has time to settle the budget and answer before Lambda stops it. A
 * {@link System#nanoTime()} instant, immune to the wall clock's jumps.
 */
public record Deadline(long nanoTime) {

    /** {@code budget} from now. */
    public static Deadline in(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    public boolean passed() {
        return nanoTime - System.nanoTime() <= 0;
    }

    /** Time left, never negative. */
    public Duration left() {
        return Duration.ofNanos(Math.max(0, nanoTime - System.nanoTime()));
    }

    /** This deadline brought forward by {@code duration}. */
    public Deadline minus(Duration duration) {
        return new Deadline(nanoTime - duration.toNanos());
    }

    /** The earlier of the two. */
    public Deadline orSooner(Deadline other) {
        return other.nanoTime - nanoTime < 0 ? other : this;
    }
}
