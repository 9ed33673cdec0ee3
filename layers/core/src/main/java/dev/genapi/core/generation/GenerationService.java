package dev.genapi.core.generation;

import dev.genapi.core.cache.CacheDirectives;
import dev.genapi.core.cache.CacheKey;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.generation.GenerationResult.CacheStatus;
import java.util.Optional;

/**
 * Synchronous generation through the response cache. Entries are scoped to the caller the API identified;
 * unidentified callers share one scope only when the deployment opted in, and otherwise bypass the cache,
 * so one caller's generations are never served to another.
 */
public final class GenerationService {

    static final String SHARED_SCOPE = "shared";

    private final Generator generator;
    private final ResponseCache cache;
    private final boolean sharedScope;

    public GenerationService(Generator generator, ResponseCache cache, GenerationConfig config) {
        this.generator = generator;
        this.cache = cache;
        this.sharedScope = config.sharedCacheScope();
    }

    /** @throws dev.genapi.core.model.ModelFailureException when the model fails */
    public GenerationResult generate(GenerationRequest request, Optional<String> caller, CacheDirectives directives) {
        Optional<String> key = cacheKey(request, caller);
        boolean write = key.isPresent() && !directives.noStore() && request.cacheTtlSeconds() > 0;
        boolean read = write && !directives.noCache();
        if (read) {
            Optional<Generation> hit = cache.find(key.get());
            if (hit.isPresent()) {
                return new GenerationResult(hit.get(), CacheStatus.HIT);
            }
        }
        Generation generation = generator.generate(request);
        if (write && generation.cacheable()) {
            cache.store(key.get(), generation, request.cacheTtlSeconds());
        }
        return new GenerationResult(generation, write ? CacheStatus.MISS : CacheStatus.BYPASS);
    }

    private Optional<String> cacheKey(GenerationRequest request, Optional<String> caller) {
        Optional<String> scope = caller.isPresent() ? caller : sharedScope ? Optional.of(SHARED_SCOPE) : Optional.empty();
        return scope.map(s -> CacheKey.of(request, s));
    }
}
