package dev.genapi.core.cache;

import dev.genapi.core.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Who generates a cache entry right now: an item {@code lease#<cacheKey>} beside the entries, in the cache
 * table (its TTL removes it). The first of concurrent identical misses takes it with a conditional put; a
 * lease lapses by itself when its holder died. A leader whose answer could not be stored leaves the lease
 * settled as {@code uncached} for a while, so that those waiting go on alone rather than one by one. When
 * DynamoDB fails, a take succeeds: generating is better than waiting on a table that does not answer.
 */
public final class GenerationLeases {

    /** What a take found. */
    public enum Take {
        /** The caller holds the lease: it generates. */
        TAKEN,
        /** Another holds it and is generating. */
        HELD,
        /** The last holder's answer could not be cached: generate alone, without waiting. */
        UNCACHED
    }

    static final String PREFIX = "lease#";
    /** How long an {@code uncached} lease sends those who come on alone. */
    static final Duration UNCACHED_FOR = Duration.ofSeconds(10);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public GenerationLeases(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public Take take(String cacheKey, String holder, Duration lease) {
        long now = clock.millis();
        try {
            dynamo.putItem(r -> r.tableName(table).item(item(cacheKey, holder, "generating", now + lease.toMillis()))
                    // or the holder itself asks again (a job's later attempt, after its own attempt crashed)
                    .conditionExpression("attribute_not_exists(#k) OR leaseUntil < :now OR holder = :me")
                    .expressionAttributeNames(Map.of("#k", ResponseCache.KEY))
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now)),
                            ":me", AttributeValue.fromS(holder))));
            return Take.TAKEN;
        } catch (ConditionalCheckFailedException held) {
            // Gone again already (its leader stored the entry and released it): held, so the entry is read next.
            Map<String, AttributeValue> item = read(cacheKey);
            AttributeValue state = item == null ? null : item.get("state");
            return state != null && "uncached".equals(state.s()) ? Take.UNCACHED : Take.HELD;
        } catch (SdkException e) {
            Log.warn("a single-flight lease could not be taken; this request generates on its own", e);
            return Take.TAKEN;
        }
    }

    /** Gives the lease back once the entry is stored: whoever takes it next finds the entry. */
    public void release(String cacheKey, String holder) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(cacheKey)).conditionExpression("holder = :me")
                    .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(holder))));
        } catch (ConditionalCheckFailedException lapsed) {
            // another took it over after it lapsed: theirs now
        } catch (SdkException e) {
            Log.warn("a single-flight lease could not be released; it lapses by itself", e);
        }
    }

    /** The leader's answer was not stored (it failed, or may not be cached): those waiting go on alone. */
    public void settleUncached(String cacheKey, String holder) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(item(cacheKey, holder, "uncached", clock.millis() + UNCACHED_FOR.toMillis()))
                    .conditionExpression("holder = :me")
                    .expressionAttributeValues(Map.of(":me", AttributeValue.fromS(holder))));
        } catch (ConditionalCheckFailedException lapsed) {
            // another took it over after it lapsed
        } catch (SdkException e) {
            Log.warn("a single-flight lease could not be settled; those waiting go on when it lapses", e);
        }
    }

    private Map<String, AttributeValue> read(String cacheKey) {
        return dynamo.getItem(r -> r.tableName(table).key(key(cacheKey)).consistentRead(true)).item();
    }

    private Map<String, AttributeValue> item(String cacheKey, String holder, String state, long leaseUntil) {
        return Map.of(ResponseCache.KEY, AttributeValue.fromS(PREFIX + cacheKey),
                "holder", AttributeValue.fromS(holder), "state", AttributeValue.fromS(state),
                "leaseUntil", AttributeValue.fromN(Long.toString(leaseUntil)),
                ResponseCache.EXPIRES_AT, AttributeValue.fromN(Long.toString(leaseUntil / 1000 + 3_600)));
    }

    private static Map<String, AttributeValue> key(String cacheKey) {
        return Map.of(ResponseCache.KEY, AttributeValue.fromS(PREFIX + cacheKey));
    }
}
