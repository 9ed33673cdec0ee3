package dev.genapi.core.generation;

/**
 * Token counts as the model reported them (0 when it reported none), and what the generation cost.
 *
 * @param totalTokens  input, output and the model's thinking
 * @param costNanoUsd  at the answering model's price, in nano-dollars (see {@code usage.Pricing})
 */
public record Usage(int inputTokens, int outputTokens, int totalTokens, long costNanoUsd) {
}
