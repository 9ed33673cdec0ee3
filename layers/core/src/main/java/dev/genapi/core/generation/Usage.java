package dev.genapi.core.generation;

/** Token counts as the model reported them (0 when it reported none). */
public record Usage(int inputTokens, int outputTokens, int totalTokens) {
}
