package dev.genapi.core.cache;

import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.Usage;
import dev.genapi.core.log.Log;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Generations stored in DynamoDB under their {@link CacheKey}, evicted by the table's TTL on
 * {@value #EXPIRES_AT}. DynamoDB deletes expired items up to about two days late and serves them until then,
 * so a read checks freshness itself against the clock. The cache is an optimisation: when DynamoDB fails,
 * a read is a miss and a write is skipped, and the caller still gets the generation.
 */
public final class ResponseCache {

    static final String KEY = "cacheKey";
    /** Epoch seconds: the attribute template.yaml names in TimeToLiveSpecification. */
    public static final String EXPIRES_AT = "expiresAt";
    /** DynamoDB's item limit is 400 KB including attribute names; keep a margin below it. */
    static final int MAX_ITEM_BYTES = 400 * 1024 - 2 * 1024;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public ResponseCache(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /** A fresh entry, or empty when there is none, it has expired, or DynamoDB failed. */
    public Optional<Generation> find(String key) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(r -> r.tableName(table).key(Map.of(KEY, AttributeValue.fromS(key)))).item();
        } catch (SdkException e) {
            Log.warn("cache read failed; treating it as a miss", e);
            return Optional.empty();
        }
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Instant createdAt = Instant.ofEpochMilli(Long.parseLong(item.get("createdAt").n()));
        Duration ttl = Duration.ofSeconds(Long.parseLong(item.get("ttlSeconds").n()));
        if (!clock.instant().isBefore(createdAt.plus(ttl))) {
            return Optional.empty(); // expired, whether or not DynamoDB has deleted it yet
        }
        return Optional.of(new Generation(item.get("id").s(), item.get("model").s(), item.get("output").s(),
                item.get("finishReason").s(),
                new Usage(number(item, "inputTokens"), number(item, "outputTokens"), number(item, "totalTokens"),
                        item.containsKey("costNanoUsd") ? Long.parseLong(item.get("costNanoUsd").n()) : 0),
                createdAt));
    }

    /** Stores a generation for {@code ttlSeconds}; false when it was too large or DynamoDB failed. */
    public boolean store(String key, Generation generation, int ttlSeconds) {
        Instant expiry = generation.createdAt().plusSeconds(ttlSeconds);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(KEY, AttributeValue.fromS(key));
        item.put("id", AttributeValue.fromS(generation.id()));
        item.put("model", AttributeValue.fromS(generation.model()));
        item.put("output", AttributeValue.fromS(generation.output()));
        item.put("finishReason", AttributeValue.fromS(generation.finishReason()));
        item.put("inputTokens", AttributeValue.fromN(Integer.toString(generation.usage().inputTokens())));
        item.put("outputTokens", AttributeValue.fromN(Integer.toString(generation.usage().outputTokens())));
        item.put("totalTokens", AttributeValue.fromN(Integer.toString(generation.usage().totalTokens())));
        item.put("costNanoUsd", AttributeValue.fromN(Long.toString(generation.usage().costNanoUsd())));
        item.put("createdAt", AttributeValue.fromN(Long.toString(generation.createdAt().toEpochMilli())));
        item.put("ttlSeconds", AttributeValue.fromN(Integer.toString(ttlSeconds)));
        // Rounded up: DynamoDB must never delete an entry before the read-side check expires it.
        long expiresAt = expiry.getEpochSecond() + (expiry.getNano() > 0 ? 1 : 0);
        item.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(expiresAt)));

        int size = itemSize(item);
        if (size > MAX_ITEM_BYTES) {
            Log.info("generation not cached: its item would be over DynamoDB's 400 KB limit",
                    "generationId", generation.id(), "itemBytes", size);
            return false;
        }
        try {
            dynamo.putItem(r -> r.tableName(table).item(item));
            return true;
        } catch (SdkException e) {
            Log.warn("cache write failed; the generation is returned uncached", e);
            return false;
        }
    }

    /** DynamoDB's item size: attribute names plus values (numbers counted generously as their text). */
    static int itemSize(Map<String, AttributeValue> item) {
        int size = 0;
        for (var attribute : item.entrySet()) {
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length;
            AttributeValue value = attribute.getValue();
            String text = value.s() != null ? value.s() : value.n();
            size += text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private static int number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : Integer.parseInt(value.n());
    }
}
