package dev.genapi.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One model target's circuit, in one container. Closed, it lets every call through and counts consecutive
 * transient failures; {@code failures} of them within {@code window} open it, and calls skip the target at
 * once for {@code coolDown} (or for as long as a Retry-After asked, when that is longer); a Retry-After alone
 * opens it for as long as it asked. Then one
 * call, the probe, is let through: its success closes the circuit, its failure opens it again. A permanent
 * failure (an invalid request, blocked content) says nothing about the target's health and is a success here.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED, OPEN, HALF_OPEN
    }

    /** Told of every change of state, to log it as a record and count it. */
    public interface Listener {
        void changed(String target, State from, State to, Instant until);
    }

    /** When a circuit opens, and for how long. */
    public record Settings(int failures, Duration window, Duration coolDown) {
    }

    private final String target;
    private final Settings settings;
    private final Clock clock;
    private final Listener listener;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant firstFailureAt;
    private Instant openUntil = Instant.MIN;
    private boolean probing;

    public CircuitBreaker(String target, Settings settings, Clock clock, Listener listener) {
        this.target = target;
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
    }

    /** True when a call may go to the target now; false when it must skip it (open, or a probe is out). */
    public synchronized boolean tryAcquire() {
        Instant now = clock.instant();
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (now.isBefore(openUntil)) {
                    return false;
                }
                change(State.HALF_OPEN);
                probing = true;
                return true;
            default: // HALF_OPEN: one probe at a time
                if (probing) {
                    return false;
                }
                probing = true;
                return true;
        }
    }

    /** The target answered (or refused the request for a reason of the request's own). */
    public synchronized void succeeded() {
        consecutiveFailures = 0;
        firstFailureAt = null;
        probing = false;
        if (state != State.CLOSED) {
            change(State.CLOSED);
        }
    }

    /**
     * The target failed in a way that may pass (429, 5xx, time-out, unreachable).
     *
     * @param retryAfter how long the target asked us to wait, or null
     * @return true when this failure opened the circuit
     */
    public synchronized boolean failed(Duration retryAfter) {
        Instant now = clock.instant();
        probing = false;
        Duration rest = retryAfter != null && retryAfter.compareTo(settings.coolDown()) > 0 ? retryAfter : settings.coolDown();
        if (state == State.HALF_OPEN) {
            return open(now.plus(rest));
        }
        if (firstFailureAt == null || Duration.between(firstFailureAt, now).compareTo(settings.window()) > 0) {
            firstFailureAt = now;
            consecutiveFailures = 0;
        }
        consecutiveFailures++;
        if (consecutiveFailures >= settings.failures()) {
            return open(now.plus(rest));
        }
        if (retryAfter != null) {
            return open(now.plus(retryAfter)); // the target's own word that it is closed for that long
        }
        return false;
    }

    /** When an open circuit lets its next probe through (for a 503's Retry-After); now when it is not open. */
    public synchronized Instant openUntil() {
        return state == State.OPEN ? openUntil : clock.instant();
    }

    public synchronized State state() {
        return state;
    }

    public String target() {
        return target;
    }

    /** @return true when the circuit was not open before */
    private boolean open(Instant until) {
        openUntil = until;
        consecutiveFailures = 0;
        firstFailureAt = null;
        if (state == State.OPEN) {
            return false;
        }
        change(State.OPEN);
        return true;
    }

    private void change(State to) {
        State from = state;
        state = to;
        listener.changed(target, from, to, to == State.OPEN ? openUntil : null);
    }
}
