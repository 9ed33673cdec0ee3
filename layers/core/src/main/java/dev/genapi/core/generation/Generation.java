package dev.genapi.core.generation;

import java.time.Instant;

/**
 * One finished generation: what {@code /v1/generate} returns and what the cache stores.
 *
 * @param finishReason STOP, LENGTH, CONTENT_FILTER or OTHER
 */
public record Generation(String id, String model, String output, String finishReason, Usage usage,
                         Instant createdAt) {

    /** Only complete answers are worth serving again: never a filtered or otherwise cut-off one. */
    public boolean cacheable() {
        return finishReason.equals("STOP") || finishReason.equals("LENGTH");
    }
}
