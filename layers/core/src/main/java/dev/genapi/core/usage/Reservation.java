package dev.genapi.core.usage;

import java.time.Instant;

/**
 * Money set aside for one model call before it is made, in the periods current when it was made: settled to
 * the real cost afterwards, or released when the call fails.
 */
public record Reservation(String scope, long nanoUsd, Instant madeAt) {
}
