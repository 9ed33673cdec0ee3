package dev.genapi.core.usage;

import dev.genapi.core.log.Log;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The usage table's counters: per account and period ({@code usage#<scope>#day#2026-11-23},
 * {@code ...#month#2026-11}), atomic counts of requests, hits and tokens, and money in nano-dollars:
 * {@code spentNanoUsd}, and {@code committedNanoUsd}, what is spent plus what calls in flight have reserved.
 * <p>
 * Spending cannot overrun a limit: a reservation adds to {@code committedNanoUsd} only on the condition that
 * the sum stays within the limit, one conditional update per period (day, then month; the day is undone if
 * the month refuses). Single-item conditions serialise concurrent requests where a transaction would make
 * them conflict. Each reservation also leaves a marker ({@code rsv_<id>}: its amount and when it lapses), so
 * that one a crashed caller never settled is written off once it has lapsed, instead of blocking the budget
 * until the period ends.
 */
public final class UsageLedger {

    static final String PK = "pk";
    static final String RESERVATION = "rsv_";
    /** Longer than any model call may take (the worker's 15 minutes): a marker older than this is lost. */
    static final Duration RESERVATION_LIFETIME = Duration.ofMinutes(20);
    /** How long counters are kept after their period began: long enough to read last month's. */
    static final Map<Period, Duration> KEEP = Map.of(Period.DAY, Duration.ofDays(40), Period.MONTH, Duration.ofDays(400));

    private final DynamoDbClient dynamo;
    private final String table;

    public UsageLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Sets {@code nanoUsd} aside in the account's day and month.
     *
     * @throws BudgetExceededException when either period has no room (nothing stays reserved then)
     */
    void reserve(String scope, String id, long nanoUsd, Limits limits, Instant now, String what) {
        List<Period> reserved = new ArrayList<>();
        try {
            for (Period period : Period.values()) {
                long limit = limits.of(period);
                Map<String, AttributeValue> refusal = nanoUsd > limit ? Map.of() : tryReserve(scope, id, period, now, nanoUsd, limit);
                if (refusal != null && writeOffLapsed(scope, period, now, refusal)) {
                    refusal = tryReserve(scope, id, period, now, nanoUsd, limit);
                }
                if (refusal != null) {
                    reserved.forEach(done -> release(scope, id, done, now, nanoUsd));
                    reserved.clear();
                    throw BudgetExceededException.of(what, nanoUsd, period, limit, now,
                            nanoUsd <= limit && liveReservations(refusal, now) > 0 && number(refusal, "spentNanoUsd") <= limit - nanoUsd);
                }
                reserved.add(period);
            }
        } catch (SdkException e) {
            for (Period done : reserved) {
                try {
                    release(scope, id, done, now, nanoUsd);
                } catch (SdkException stillFailing) {
                    Log.warn("a reservation could not be undone; it is written off when it lapses", stillFailing);
                }
            }
            throw e;
        }
    }

    /** @return null when reserved; else the counters as they were when the condition refused it */
    private Map<String, AttributeValue> tryReserve(String scope, String id, Period period, Instant now, long nanoUsd,
                                                   long limit) {
        Map<String, AttributeValue> key = key(usageKey(scope, period, now));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key)
                    .updateExpression("ADD committedNanoUsd :amount SET #r = :marker, expiresAt = if_not_exists(expiresAt, :expires)")
                    .conditionExpression("attribute_not_exists(committedNanoUsd) OR committedNanoUsd <= :highest")
                    .expressionAttributeNames(Map.of("#r", RESERVATION + id))
                    .expressionAttributeValues(Map.of(":amount", n(nanoUsd), ":highest", n(limit - nanoUsd),
                            ":marker", AttributeValue.fromS(nanoUsd + ":" + now.plus(RESERVATION_LIFETIME).toEpochMilli()),
                            ":expires", n(expiry(period, now))))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return null;
        } catch (ConditionalCheckFailedException refused) {
            if (refused.hasItem() && refused.item() != null) {
                return refused.item();
            }
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item();
            return item == null ? Map.of() : item;
        }
    }

    /** Removes the lapsed markers and what they held from the counters; true when any were written off. */
    private boolean writeOffLapsed(String scope, Period period, Instant now, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> values = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        List<String> remove = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        long total = 0;
        for (var attribute : item.entrySet()) {
            if (attribute.getKey().startsWith(RESERVATION) && lapseMillis(attribute.getValue()) < now.toEpochMilli()) {
                String name = "#m" + remove.size();
                names.put(name, attribute.getKey());
                remove.add(name);
                conditions.add("attribute_exists(" + name + ")");
                total += amount(attribute.getValue());
            }
        }
        if (remove.isEmpty()) {
            return false;
        }
        values.put(":lost", n(-total));
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(usageKey(scope, period, now)))
                    .updateExpression("ADD committedNanoUsd :lost REMOVE " + String.join(", ", remove))
                    .conditionExpression(String.join(" AND ", conditions))
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            Log.info("lapsed reservations written off", "account", scope, "period", period.label(now),
                    "reservations", remove.size(), "nanoUsd", total);
            return true;
        } catch (ConditionalCheckFailedException settledMeanwhile) {
            return true; // someone settled or wrote them off first: look again
        }
    }

    /** Turns a reservation into the real cost, and counts the request and its tokens. */
    void settle(String scope, String id, Instant madeAt, long reservedNanoUsd, long costNanoUsd, long inputTokens,
                long outputTokens) {
        for (Period period : Period.values()) {
            Map<String, Long> counts = Map.of("spentNanoUsd", costNanoUsd, "requests", 1L,
                    "inputTokens", inputTokens, "outputTokens", outputTokens);
            if (!closeReservation(scope, id, period, madeAt, costNanoUsd - reservedNanoUsd, counts)) {
                // Written off while the call ran (it outlived its lease): the cost is committed afresh.
                add(scope, period, madeAt, withCommitted(counts, costNanoUsd));
            }
        }
    }

    /** Gives a reservation back. */
    void release(String scope, String id, Instant madeAt, long reservedNanoUsd) {
        for (Period period : Period.values()) {
            release(scope, id, period, madeAt, reservedNanoUsd);
        }
    }

    private void release(String scope, String id, Period period, Instant madeAt, long reservedNanoUsd) {
        closeReservation(scope, id, period, madeAt, -reservedNanoUsd, Map.of());
    }

    /** Adjusts committed money and removes the marker, if the marker is still there. */
    private boolean closeReservation(String scope, String id, Period period, Instant at, long committedChange,
                                     Map<String, Long> counts) {
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder update = new StringBuilder("ADD committedNanoUsd :committed");
        values.put(":committed", n(committedChange));
        int i = 0;
        for (var count : counts.entrySet()) {
            update.append(", ").append(count.getKey()).append(" :v").append(i);
            values.put(":v" + i++, n(count.getValue()));
        }
        update.append(" REMOVE #r");
        try {
            dynamo.updateItem(r -> r.tableName(table).key(key(usageKey(scope, period, at)))
                    .updateExpression(update.toString()).conditionExpression("attribute_exists(#r)")
                    .expressionAttributeNames(Map.of("#r", RESERVATION + id)).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException writtenOff) {
            return false;
        }
    }

    /** Counts a request the cache answered, and what it saved. */
    void recordHit(String scope, long savedNanoUsd, Instant now) {
        for (Period period : Period.values()) {
            add(scope, period, now, Map.of("requests", 1L, "cacheHits", 1L, "savedNanoUsd", savedNanoUsd));
        }
    }

    /** The account's counters for the periods current at {@code now}. */
    Map<Period, PeriodUsage> read(String scope, Instant now) {
        Map<Period, PeriodUsage> usage = new EnumMap<>(Period.class);
        for (Period period : Period.values()) {
            Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(key(usageKey(scope, period, now)))).item();
            usage.put(period, item == null || item.isEmpty() ? PeriodUsage.NONE : new PeriodUsage(
                    number(item, "requests"), number(item, "cacheHits"), number(item, "inputTokens"),
                    number(item, "outputTokens"), number(item, "spentNanoUsd"), number(item, "savedNanoUsd"),
                    number(item, "committedNanoUsd")));
        }
        return usage;
    }

    private void add(String scope, Period period, Instant at, Map<String, Long> amounts) {
        StringBuilder update = new StringBuilder("ADD ");
        Map<String, AttributeValue> values = new HashMap<>();
        int i = 0;
        for (var amount : amounts.entrySet()) {
            update.append(i == 0 ? "" : ", ").append(amount.getKey()).append(" :v").append(i);
            values.put(":v" + i++, n(amount.getValue()));
        }
        update.append(" SET expiresAt = if_not_exists(expiresAt, :expires)");
        values.put(":expires", n(expiry(period, at)));
        dynamo.updateItem(r -> r.tableName(table).key(key(usageKey(scope, period, at)))
                .updateExpression(update.toString()).expressionAttributeValues(values));
    }

    private static Map<String, Long> withCommitted(Map<String, Long> counts, long committed) {
        Map<String, Long> all = new HashMap<>(counts);
        all.put("committedNanoUsd", committed);
        return all;
    }

    /** What reservations not yet lapsed hold. */
    private static long liveReservations(Map<String, AttributeValue> item, Instant now) {
        return item.entrySet().stream()
                .filter(a -> a.getKey().startsWith(RESERVATION) && lapseMillis(a.getValue()) >= now.toEpochMilli())
                .mapToLong(a -> amount(a.getValue())).sum();
    }

    private static long amount(AttributeValue marker) {
        return Long.parseLong(marker.s().split(":")[0]);
    }

    private static long lapseMillis(AttributeValue marker) {
        return Long.parseLong(marker.s().split(":")[1]);
    }

    static String usageKey(String scope, Period period, Instant at) {
        return "usage#" + scope + "#" + period.jsonName() + "#" + period.label(at);
    }

    private static long expiry(Period period, Instant at) {
        return at.plus(KEEP.get(period)).getEpochSecond();
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of(PK, AttributeValue.fromS(pk));
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
