package dev.genapi.core.generation;

import java.time.Instant;

/**
 * One finished generation: what {@code /v1/generate} returns and what the cache stores.
 *
 * @param model        the model that answered (a fallback's, when {@code fallback})
 * @param finishReason STOP, LENGTH, CONTENT_FILTER or OTHER
 * @param fallback     a later target of the requested model's fallback chain answered, not the model asked for
 */
public record Generation(String id, String model, String output, String finishReason, Usage usage,
                         Instant createdAt, boolean fallback) {

    /** A generation by the model that was asked for. */
    public Generation(String id, String model, String output, String finishReason, Usage usage, Instant createdAt) {
        this(id, model, output, finishReason, usage, createdAt, false);
    }

    /**
     * Only complete answers of the model asked for are worth serving again: never a filtered or otherwise
     * cut-off one, and never a fallback's, which would later pass for the requested model's.
     */
    public boolean cacheable() {
        return !fallback && (finishReason.equals("STOP") || finishReason.equals("LENGTH"));
    }

    /** The same answer, marked as a fallback's. */
    public Generation asFallback() {
        return new Generation(id, model, output, finishReason, usage, createdAt, true);
    }

    /** The same answer with {@code nanoUsd} more in its cost (earlier attempts that may have been billed). */
    public Generation costingMore(long nanoUsd) {
        return nanoUsd == 0 ? this : new Generation(id, model, output, finishReason, new Usage(usage.inputTokens(),
                usage.outputTokens(), usage.totalTokens(), usage.costNanoUsd() + nanoUsd), createdAt, fallback);
    }
}
