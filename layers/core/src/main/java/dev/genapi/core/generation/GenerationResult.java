package dev.genapi.core.generation;

/** A generation and how the cache took part in it. */
public record GenerationResult(Generation generation, CacheStatus cacheStatus) {

    /** The {@code X-Cache} header: served from the cache, generated, or cache not used at all. */
    public enum CacheStatus {
        HIT, MISS, BYPASS
    }
}
