package dev.genapi.core.cache;

import dev.genapi.core.generation.Deadline;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.random.Entropy;
import java.time.Duration;
import java.util.Optional;

/**
 * Concurrent identical cache misses make one model call: the first takes the lease and generates; the
 * others read the cache with a growing pause until the entry appears, for at most {@code maxWait}, and take
 * the lease over if it lapses (the leader died). A request that waited its fill, or as long as its own
 * deadline allows, generates on its own. A job
 * never sleeps here ({@link #tryTurn}): it is told its twin is generating, and comes back later by SQS.
 */
public final class SingleFlight {

    /** What a miss does: lead (generate, then {@link #stored} or {@link #notStored}), be served, or go alone. */
    public sealed interface Turn {
        /** This request holds the lease. */
        record Lead(String key, String holder) implements Turn {
        }

        /** Another request's generation, from the cache. */
        record Served(Generation generation) implements Turn {
        }

        /** Generate without the lease: it could not be had in time, or the last leader's answer was not cached. */
        record Alone() implements Turn {
        }

        /** Another holds the lease and is generating: a job comes back for its answer later. */
        record Busy() implements Turn {
        }
    }

    static final Duration FIRST_PAUSE = Duration.ofMillis(50);
    static final Duration LONGEST_PAUSE = Duration.ofMillis(500);

    private final ResponseCache cache;
    private final GenerationLeases leases;
    private final Duration lease;
    private final Duration maxWait;

    /**
     * @param lease   how long a leader may generate before others take over (its whole time budget)
     * @param maxWait how long a request waits for another's entry before it generates on its own
     */
    public SingleFlight(ResponseCache cache, GenerationLeases leases, Duration lease, Duration maxWait) {
        this.cache = cache;
        this.leases = leases;
        this.lease = lease;
        this.maxWait = maxWait;
    }

    /** @param stopWaiting when the request must stop waiting, to keep time for a call of its own */
    public Turn turn(String key, Deadline stopWaiting) {
        String holder = Entropy.uuidHex();
        long deadline = Deadline.in(maxWait).orSooner(stopWaiting).nanoTime();
        Duration pause = FIRST_PAUSE;
        while (true) {
            switch (leases.take(key, holder, lease)) {
                case TAKEN -> {
                    return taken(key, holder);
                }
                case UNCACHED -> {
                    return new Turn.Alone();
                }
                default -> {
                    Optional<Generation> stored = cache.find(key);
                    if (stored.isPresent()) {
                        return new Turn.Served(stored.get());
                    }
                }
            }
            if (System.nanoTime() + pause.toNanos() - deadline > 0) {
                return new Turn.Alone();
            }
            sleep(pause);
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }

    /**
     * A job's turn, taken once without waiting: {@link Turn.Busy} while a twin holds the lease.
     *
     * @param holder the job's id: a later attempt of the same job takes back a lease its crashed attempt held
     */
    public Turn tryTurn(String key, String holder) {
        return switch (leases.take(key, holder, lease)) {
            case TAKEN -> taken(key, holder);
            case UNCACHED -> new Turn.Alone();
            case HELD -> cache.find(key).<Turn>map(Turn.Served::new).orElseGet(Turn.Busy::new);
        };
    }

    /** The entry may have been stored between this request's miss and its take. */
    private Turn taken(String key, String holder) {
        Optional<Generation> stored = cache.find(key);
        if (stored.isPresent()) {
            leases.release(key, holder);
            return new Turn.Served(stored.get());
        }
        return new Turn.Lead(key, holder);
    }

    /** The leader stored its entry: those waiting find it. */
    public void stored(Turn.Lead lead) {
        leases.release(lead.key(), lead.holder());
    }

    /** The leader's answer was not stored: those waiting go on alone. */
    public void notStored(Turn.Lead lead) {
        leases.settleUncached(lead.key(), lead.holder());
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
