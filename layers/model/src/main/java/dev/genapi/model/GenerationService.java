package dev.genapi.model;

import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.cache.CacheKey;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.cache.SingleFlight;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.generation.Deadline;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationResult.CacheStatus;
import dev.genapi.core.generation.GenerationResult;
import dev.genapi.core.generation.Usage;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Observation;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.usage.Money;
import dev.genapi.core.usage.Reservation;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.function.Function;

/**
 * Generation through the response cache, within the caller's budget, by the request's model or a fallback
 * of its chain (whose answers are never cached). Cache entries are scoped to the caller,
 * so one caller's generations are never served to another; a job a producer queued without a caller
 * bypasses the cache and has no budget. A model call is made only once its most possible cost down the
 * whole chain is reserved; the reservation is settled to the real cost (plus the most of each earlier attempt
 * that may have been billed), released when every attempt failed in a way that is never billed (refused,
 * rate limited, unreachable), and otherwise settled at what the attempts may have been billed: a call that
 * timed out or answered something unreadable may still have been billed.
 * <p>
 * Everything happens before the request's {@link Deadline}: a follower's wait for its leader, then its own
 * attempts, share it.
 */
public final class GenerationService {

    private final FallbackChain models;
    private final ResponseCache cache;
    private final Budgets budgets;
    private final Optional<SingleFlight> singleFlight;

    /** @param singleFlight makes concurrent identical misses (and identical jobs of one caller) make one model call */
    public GenerationService(FallbackChain models, ResponseCache cache, Budgets budgets,
                             Optional<SingleFlight> singleFlight) {
        this.models = models;
        this.cache = cache;
        this.budgets = budgets;
        this.singleFlight = singleFlight;
    }

    /** An identical job of the same caller is generating now: this one should come back for its answer. */
    public static final class TwinGeneratingException extends RuntimeException {
        public TwinGeneratingException() {
            super("an identical job of the same caller is generating", null, false, false);
        }
    }

    /**
     * A request's generation: concurrent identical misses wait here for one generation.
     *
     * @param observation what the request or job records: the model, the cache's part and time, the model's
     *                    call, time, tokens and cost (never text)
     * @param deadline    when the request's waits and model calls must be over
     * @throws dev.genapi.model.ModelFailureException when the model fails
     * @throws dev.genapi.core.usage.BudgetExceededException when the caller's budget has no room for it
     */
    public GenerationResult generate(GenerationRequest request, Optional<Caller> caller, CacheDirectives directives,
                                     Observation observation, Deadline deadline) {
        // A follower stops waiting while it still has time to make its own call.
        Deadline stopWaiting = deadline.minus(FallbackChain.LEAST_WORTH_TRYING);
        return generate(request, caller, directives, observation, deadline,
                key -> singleFlight.get().turn(key, stopWaiting));
    }

    /**
     * A job's generation, which never waits here for a twin (an identical job of the same caller).
     *
     * @param jobId    holds the job's single-flight lease, so that the job never waits on itself
     * @param mayDefer whether the job may come back later while its twin generates; when not (its message is
     *                 near its last delivery), it generates on its own
     * @throws TwinGeneratingException when a twin is generating and the job may come back later
     */
    public GenerationResult generateJob(GenerationRequest request, Optional<Caller> caller, CacheDirectives directives,
                                        Observation observation, String jobId, boolean mayDefer, Deadline deadline) {
        return generate(request, caller, directives, observation, deadline, key -> {
            SingleFlight.Turn turn = singleFlight.get().tryTurn(key, jobId);
            if (turn instanceof SingleFlight.Turn.Busy) {
                if (mayDefer) {
                    observation.set("singleFlight", "deferred");
                    throw new TwinGeneratingException();
                }
                return new SingleFlight.Turn.Alone();
            }
            return turn;
        });
    }

    private GenerationResult generate(GenerationRequest request, Optional<Caller> caller, CacheDirectives directives,
                                      Observation observation, Deadline deadline,
                                      Function<String, SingleFlight.Turn> turns) {
        observation.set("model", request.model());
        long cacheStart = System.nanoTime();
        Optional<Generation> hit = lookup(request, caller, directives);
        long cacheNanos = System.nanoTime() - cacheStart;
        if (hit.isPresent()) {
            countHit(caller.orElseThrow(), hit.get());
            observeHit(observation, hit.get(), cacheNanos);
            return new GenerationResult(hit.get(), CacheStatus.HIT);
        }
        Optional<String> key = caller.map(c -> CacheKey.of(request, c.scope()));
        boolean write = key.isPresent() && writes(request, directives);
        // no-cache asks for a fresh answer: it neither waits for another's nor makes others wait for its own.
        SingleFlight.Turn turn = write && !directives.noCache() && singleFlight.isPresent()
                ? turns.apply(key.get()) : new SingleFlight.Turn.Alone();
        if (turn instanceof SingleFlight.Turn.Served served) {
            countHit(caller.orElseThrow(), served.generation());
            observeHit(observation.set("singleFlight", "follower"), served.generation(), System.nanoTime() - cacheStart);
            return new GenerationResult(served.generation(), CacheStatus.HIT);
        }
        SingleFlight.Turn.Lead lead = turn instanceof SingleFlight.Turn.Lead leading ? leading : null;
        boolean stored = false;
        try {
            if (lead != null) {
                observation.set("singleFlight", "leader");
            }
            Outcome result = generateAndStore(request, caller, key, write, observation, cacheNanos, deadline);
            stored = result.stored();
            return result.result();
        } finally {
            if (lead != null) {
                if (stored) {
                    singleFlight.get().stored(lead);
                } else {
                    singleFlight.get().notStored(lead);
                }
            }
        }
    }

    /** A generation, and whether it went into the cache. */
    private record Outcome(GenerationResult result, boolean stored) {
    }

    private Outcome generateAndStore(GenerationRequest request, Optional<Caller> caller, Optional<String> key,
                                     boolean write, Observation observation, long cacheNanos, Deadline deadline) {
        Optional<Reservation> reservation = caller.map(c -> budgets.reserve(c, maxCost(request)));
        long modelStart = System.nanoTime();
        Generation generation;
        try {
            generation = models.generate(request, observation, deadline);
        } catch (ModelFailureException e) {
            reservation.ifPresent(r -> settleFailed(r, e));
            observeModelFailure(observation, e, modelStart);
            throw e;
        } catch (RuntimeException e) {
            reservation.ifPresent(budgets::settleAtMost); // nothing says the call was not billed
            throw e;
        }
        long modelMillis = millisSince(modelStart);
        reservation.ifPresent(r -> budgets.settle(r, generation.usage().costNanoUsd(), generation.usage().inputTokens(),
                generation.usage().outputTokens()));
        boolean stored = false;
        if (write && generation.cacheable()) {
            long storeStart = System.nanoTime();
            stored = cache.store(key.get(), generation, request.cacheTtlSeconds());
            cacheNanos += System.nanoTime() - storeStart;
        }
        CacheStatus status = write ? CacheStatus.MISS : CacheStatus.BYPASS;
        observeGeneration(observation, generation, status, cacheNanos, modelMillis);
        return new Outcome(new GenerationResult(generation, status), stored);
    }

    /** A failed request pays what its attempts may have been billed; when surely nothing, its reservation is released. */
    private void settleFailed(Reservation reservation, ModelFailureException failure) {
        long billed = failure.possiblyBilledNanoUsd()
                .orElse(failure.failure().kind().mayHaveBeenBilled ? reservation.nanoUsd() : 0);
        if (billed > 0) {
            budgets.settle(reservation, billed, 0, 0);
        } else {
            budgets.release(reservation);
        }
    }

    /** A hit consumed no tokens and cost nothing; it saved what the cached generation cost. */
    private static void observeHit(Observation observation, Generation cached, long cacheNanos) {
        observation.set("modelAnswered", cached.model()).set("cache", CacheStatus.HIT.name())
                .set("cacheMs", cacheNanos / 1_000_000)
                .count(Metric.CACHE_HITS, 1)
                .count(Metric.COST, BigDecimal.ZERO)
                .count(Metric.SAVED, Money.usd(cached.usage().costNanoUsd()));
    }

    private static void observeGeneration(Observation observation, Generation generation, CacheStatus status,
                                          long cacheNanos, long modelMillis) {
        Usage usage = generation.usage();
        observation.set("modelAnswered", generation.model()).set("fallback", generation.fallback()).set("cache", status.name())
                .set("cacheMs", cacheNanos / 1_000_000).set("modelMs", modelMillis)
                .count(status == CacheStatus.MISS ? Metric.CACHE_MISSES : Metric.CACHE_BYPASSES, 1)
                .count(Metric.MODEL_LATENCY, modelMillis)
                .count(Metric.INPUT_TOKENS, usage.inputTokens())
                .count(Metric.OUTPUT_TOKENS, usage.outputTokens())
                .count(Metric.COST, Money.usd(usage.costNanoUsd()));
    }

    private static void observeModelFailure(Observation observation, ModelFailureException failure, long modelStart) {
        long modelMillis = millisSince(modelStart);
        observation.set("modelMs", modelMillis).set("errorKind", failure.errorCode())
                .count(Metric.MODEL_LATENCY, modelMillis).count(Metric.MODEL_ERRORS, 1);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A fresh cached generation for this request and caller, where the directives allow reading one. */
    public Optional<Generation> lookup(GenerationRequest request, Optional<Caller> caller, CacheDirectives directives) {
        if (!writes(request, directives) || directives.noCache()) {
            return Optional.empty();
        }
        return caller.map(c -> CacheKey.of(request, c.scope())).flatMap(cache::find);
    }

    /** Counts a request the cache answered in the caller's usage; the answer stands if that fails. */
    public void countHit(Caller caller, Generation cached) {
        budgets.recordHit(caller, cached.usage().costNanoUsd());
    }

    /** The most the request can cost down its chain (what a call reserves, and a job must have room for). */
    public long maxCost(GenerationRequest request) {
        return models.maxCost(request);
    }

    /** no-store and a zero TTL keep the cache out entirely; no-cache still refreshes it. */
    private static boolean writes(GenerationRequest request, CacheDirectives directives) {
        return !directives.noStore() && request.cacheTtlSeconds() > 0;
    }
}
