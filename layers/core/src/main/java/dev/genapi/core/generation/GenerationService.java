package dev.genapi.core.generation;

import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.cache.CacheKey;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.generation.GenerationResult.CacheStatus;
import java.util.Optional;

/**
 * Generation through the response cache. Entries are scoped to the caller, so one caller's generations are
 * never served to another; a job a producer queued without a caller bypasses the cache.
 */
public final class GenerationService {

    private final Generator generator;
    private final ResponseCache cache;

    public GenerationService(Generator generator, ResponseCache cache) {
        this.generator = generator;
        this.cache = cache;
    }

    /** @throws dev.genapi.core.model.ModelFailureException when the model fails */
    public GenerationResult generate(GenerationRequest request, Optional<String> caller, CacheDirectives directives) {
        Optional<Generation> hit = lookup(request, caller, directives);
        if (hit.isPresent()) {
            return new GenerationResult(hit.get(), CacheStatus.HIT);
        }
        Optional<String> key = cacheKey(request, caller);
        boolean write = key.isPresent() && writes(request, directives);
        Generation generation = generator.generate(request);
        if (write && generation.cacheable()) {
            cache.store(key.get(), generation, request.cacheTtlSeconds());
        }
        return new GenerationResult(generation, write ? CacheStatus.MISS : CacheStatus.BYPASS);
    }

    /** A fresh cached generation for this request and caller, where the directives allow reading one. */
    public Optional<Generation> lookup(GenerationRequest request, Optional<String> caller, CacheDirectives directives) {
        if (!writes(request, directives) || directives.noCache()) {
            return Optional.empty();
        }
        return cacheKey(request, caller).flatMap(cache::find);
    }

    /** no-store and a zero TTL keep the cache out entirely; no-cache still refreshes it. */
    private static boolean writes(GenerationRequest request, CacheDirectives directives) {
        return !directives.noStore() && request.cacheTtlSeconds() > 0;
    }

    private Optional<String> cacheKey(GenerationRequest request, Optional<String> caller) {
        return caller.map(scope -> CacheKey.of(request, scope));
    }
}
