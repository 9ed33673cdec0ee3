package dev.genapi.core.generation;

import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.cache.CacheKey;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.generation.GenerationResult.CacheStatus;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.model.ModelFailureException;
import dev.genapi.core.usage.Pricing;
import dev.genapi.core.usage.Reservation;
import java.util.Optional;

/**
 * Generation through the response cache, within the caller's budget. Cache entries are scoped to the caller,
 * so one caller's generations are never served to another; a job a producer queued without a caller
 * bypasses the cache and has no budget. A model call is made only once its most possible cost is reserved;
 * the reservation is settled to the real cost, released when the call failed in a way that is never billed
 * (refused, rate limited, unreachable), and otherwise settled at its most: a call that timed out or answered
 * something unreadable may still have been billed.
 */
public final class GenerationService {

    private final Generator generator;
    private final ResponseCache cache;
    private final Budgets budgets;
    private final Pricing pricing;

    public GenerationService(Generator generator, ResponseCache cache, Budgets budgets, Pricing pricing) {
        this.generator = generator;
        this.cache = cache;
        this.budgets = budgets;
        this.pricing = pricing;
    }

    /**
     * @throws dev.genapi.core.model.ModelFailureException when the model fails
     * @throws dev.genapi.core.usage.BudgetExceededException when the caller's budget has no room for it
     */
    public GenerationResult generate(GenerationRequest request, Optional<Caller> caller, CacheDirectives directives) {
        Optional<Generation> hit = lookup(request, caller, directives);
        if (hit.isPresent()) {
            countHit(caller.orElseThrow(), hit.get());
            return new GenerationResult(hit.get(), CacheStatus.HIT);
        }
        Optional<String> key = caller.map(c -> CacheKey.of(request, c.scope()));
        boolean write = key.isPresent() && writes(request, directives);
        Optional<Reservation> reservation = caller.map(c -> budgets.reserve(c, maxCost(request)));
        Generation generation;
        try {
            generation = generator.generate(request);
        } catch (ModelFailureException e) {
            reservation.ifPresent(e.failure().kind().mayHaveBeenBilled ? budgets::settleAtMost : budgets::release);
            throw e;
        } catch (RuntimeException e) {
            reservation.ifPresent(budgets::settleAtMost); // nothing says the call was not billed
            throw e;
        }
        reservation.ifPresent(r -> budgets.settle(r, generation.usage().costNanoUsd(), generation.usage().inputTokens(),
                generation.usage().outputTokens()));
        if (write && generation.cacheable()) {
            cache.store(key.get(), generation, request.cacheTtlSeconds());
        }
        return new GenerationResult(generation, write ? CacheStatus.MISS : CacheStatus.BYPASS);
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

    /** The most the request can cost (what a call reserves, and a job must have room for). */
    public long maxCost(GenerationRequest request) {
        return pricing.maxNanoUsd(request.model(), request.textBytes(), request.turns(), request.maxOutputTokens());
    }

    /** no-store and a zero TTL keep the cache out entirely; no-cache still refreshes it. */
    private static boolean writes(GenerationRequest request, CacheDirectives directives) {
        return !directives.noStore() && request.cacheTtlSeconds() > 0;
    }
}
