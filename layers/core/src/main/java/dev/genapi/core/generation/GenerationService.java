package dev.genapi.core.generation;

import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.cache.CacheKey;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.generation.GenerationResult.CacheStatus;
import dev.genapi.core.log.Log;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.usage.Reservation;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Generation through the response cache, within the caller's budget. Cache entries are scoped to the caller,
 * so one caller's generations are never served to another; a job a producer queued without a caller
 * bypasses the cache and has no budget. A model call is made only once its most possible cost is reserved,
 * and the reservation is settled to the real cost, or released when the call fails.
 */
public final class GenerationService {

    private final Generator generator;
    private final ResponseCache cache;
    private final Budgets budgets;

    public GenerationService(Generator generator, ResponseCache cache, Budgets budgets) {
        this.generator = generator;
        this.cache = cache;
        this.budgets = budgets;
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
        Optional<Reservation> reservation = caller.map(c -> budgets.reserve(c, request));
        Generation generation;
        try {
            generation = generator.generate(request);
        } catch (RuntimeException e) {
            reservation.ifPresent(this::release);
            throw e;
        }
        reservation.ifPresent(r -> settle(r, generation));
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
        try {
            budgets.recordHit(caller, cached);
        } catch (SdkException e) {
            Log.warn("a cache hit could not be counted in its caller's usage", e);
        }
    }

    private void settle(Reservation reservation, Generation generation) {
        try {
            budgets.settle(reservation, generation);
        } catch (SdkException e) {
            Log.warn("generation " + generation.id() + " could not be settled; its reservation stays counted", e);
        }
    }

    private void release(Reservation reservation) {
        try {
            budgets.release(reservation);
        } catch (SdkException e) {
            Log.warn("a failed call's reservation could not be released; it stays counted until the period ends", e);
        }
    }

    /** no-store and a zero TTL keep the cache out entirely; no-cache still refreshes it. */
    private static boolean writes(GenerationRequest request, CacheDirectives directives) {
        return !directives.noStore() && request.cacheTtlSeconds() > 0;
    }
}
