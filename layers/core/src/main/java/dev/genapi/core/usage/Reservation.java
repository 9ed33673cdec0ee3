package dev.genapi.core.usage;

import java.time.Instant;
import java.util.List;

/**
 * Money set aside for one model call before it is made, in each account the caller spends from (their
 * own, and with JWTs their API key's too), in the periods current when it was made: settled to the real
 * cost afterwards, or released when the call surely cost nothing.
 *
 * @param id an id of its own in each counter it holds, so that one lost to a crash can be written off
 */
public record Reservation(String id, List<String> scopes, long nanoUsd, Instant madeAt) {
}
