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
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The usage table's counters: per account and period ({@code usage#<scope>#day#2026-11-23},
 * {@code ...#month#2026-11}), atomic counts of requests, hits and tokens, and money in nano-dollars:
 * {@code spentNanoUsd}, and {@code committedNanoUsd}, what is spent plus what calls in flight have reserved.
 * <p>
 * Spending cannot overrun a limit: a reservation adds to {@code committedNanoUsd} only on the condition that
 * the sum stays within the limit, one conditional update per period (day, then month; the day is undone if
 * the month refuses). Single-item conditions serialise concurrent requests where a transaction would make
 * them conflict. Settling turns a reservation into its cost, which is never more than was reserved.
 * <p>
 * Each reservation leaves a marker ({@code rsv_<id>}: its amount and when it lapses). Every write is safe to
 * send twice, as the SDK does when an answer is lost: a reservation is added only while its marker is
 * absent, and settled or released only while it is present. A marker whose call never settled (its
 * invocation was stopped, or the settle failed) lapses and is written off at its whole amount, as spent: the
 * call may have been billed. Lapsed markers are written off whenever a reservation finds them, so that no
 * account's item grows without bound.
 */
public final class UsageLedger {

    static final String PK = "pk";
    static final String RESERVATION = "rsv_";
    /** Longer than any model call may take (the worker's 15 minutes): a marker older than this is lost. */
    static final Duration RESERVATION_LIFETIME = Duration.ofMinutes(20);
    /** How long counters are kept after their period began: long enough to read last month's. */
    static final Map<Period, Duration> KEEP = Map.of(Period.DAY, Duration.ofDays(40), Period.MONTH, Duration.ofDays(400));
    /** Lapsed markers written off in one update, well inside DynamoDB's 4 KB expressions. */
    static final int WRITE_OFFS_PER_UPDATE = 100;

    private final DynamoDbClient dynamo;
    private final String table;

    public UsageLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** A reservation's try in one period: the account's item after it, and whether it was refused. */
    private record Attempt(boolean refused, Map<String, AttributeValue> item) {
    }

    /**
     * Sets {@code nanoUsd} aside in the account's day and month.
     *
     * @throws BudgetExceededException when either period has no room (nothing stays reserved then)
     */
    void reserve(String scope, String id, long nanoUsd, Limits limits, Instant now, String what) {
        List<Period> reserved = new ArrayList<>();
        Period trying = null;
        try {
            for (Period period : Period.values()) {
                trying = period;
                long limit = limits.of(period);
                Attempt attempt = nanoUsd > limit ? new Attempt(true, Map.of()) : tryReserve(scope, id, period, now, nanoUsd, limit);
                long writtenOff = writeOffLapsed(scope, period, now, attempt.item());
                if (attempt.refused()) {
                    reserved.forEach(done -> release(scope, id, done, now, nanoUsd));
                    reserved.clear();
                    long spent = number(attempt.item(), "spentNanoUsd") + writtenOff;
                    throw BudgetExceededException.of(what, nanoUsd, period, limit, now,
                            nanoUsd <= limit && liveReservations(attempt.item(), now) > 0 && spent <= limit - nanoUsd);
                }
                reserved.add(period);
            }
        } catch (SdkException e) {
            reserved.add(trying); // its write may have been applied before the failure
            for (Period done : reserved) {
                try {
                    release(scope, id, done, now, nanoUsd);
                } catch (SdkException stillFailing) {
                    Log.warn("a reservation could not be undone; it is charged in full when it lapses", stillFailing);
                }
            }
            throw e;
        }
    }

    private Attempt tryReserve(String scope, String id, Period period, Instant now, long nanoUsd, long limit) {
        Map<String, AttributeValue> key = key(usageKey(scope, period, now));
        String marker = RESERVATION + id;
        try {
            Map<String, AttributeValue> after = dynamo.updateItem(r -> r.tableName(table).key(key)
                    .updateExpression("ADD committedNanoUsd :amount SET #r = :marker, expiresAt = if_not_exists(expiresAt, :expires)")
                    .conditionExpression("attribute_not_exists(#r) AND "
                            + "(attribute_not_exists(committedNanoUsd) OR committedNanoUsd <= :highest)")
                    .expressionAttributeNames(Map.of("#r", marker))
                    .expressionAttributeValues(Map.of(":amount", n(nanoUsd), ":highest", n(limit - nanoUsd),
                            ":marker", AttributeValue.fromS(nanoUsd + ":" + now.plus(RESERVATION_LIFETIME).toEpochMilli()),
                            ":expires", n(expiry(period, now))))
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes();
            return new Attempt(false, after == null ? Map.of() : after);
        } catch (ConditionalCheckFailedException refused) {
            Map<String, AttributeValue> item = refused.hasItem() && refused.item() != null ? refused.item()
                    : dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item();
            item = item == null ? Map.of() : item;
            // Its marker is there: this was the SDK's second try of a write the first try applied.
            return new Attempt(!item.containsKey(marker), item);
        }
    }

    /**
     * Writes off the lapsed markers in {@code item} at their whole amount, as spent (each stays committed),
     * and counts each as a request. Never fails the request that found them.
     *
     * @return what they held
     */
    private long writeOffLapsed(String scope, Period period, Instant now, Map<String, AttributeValue> item) {
        List<Map.Entry<String, AttributeValue>> lapsed = item.entrySet().stream()
                .filter(a -> a.getKey().startsWith(RESERVATION) && lapseMillis(a.getValue()) < now.toEpochMilli())
                .toList();
        long total = 0;
        for (int from = 0; from < lapsed.size(); from += WRITE_OFFS_PER_UPDATE) {
            List<Map.Entry<String, AttributeValue>> chunk = lapsed.subList(from, Math.min(lapsed.size(), from + WRITE_OFFS_PER_UPDATE));
            try {
                total += writeOff(scope, period, now, chunk);
            } catch (ConditionalCheckFailedException oneSettledMeanwhile) {
                for (var marker : chunk) {
                    try {
                        total += writeOff(scope, period, now, List.of(marker));
                    } catch (ConditionalCheckFailedException settled) {
                        // settled or written off by another request: counted there
                    }
                }
            } catch (SdkException e) { // the request goes on; the next reservation finds them again
                Log.warn("lapsed reservations could not be written off yet", e, "account", scope);
                break;
            }
        }
        if (!lapsed.isEmpty()) {
            Log.info("lapsed reservations written off as spent", "account", scope, "period", period.label(now),
                    "reservations", lapsed.size(), "nanoUsd", total);
        }
        return total;
    }

    private long writeOff(String scope, Period period, Instant now, List<Map.Entry<String, AttributeValue>> markers) {
        Map<String, String> names = new HashMap<>();
        List<String> remove = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        long total = 0;
        for (var marker : markers) {
            String name = "#m" + remove.size();
            names.put(name, marker.getKey());
            remove.add(name);
            conditions.add("attribute_exists(" + name + ")");
            total += amount(marker.getValue());
        }
        long lost = total;
        dynamo.updateItem(r -> r.tableName(table).key(key(usageKey(scope, period, now)))
                .updateExpression("ADD spentNanoUsd :lost, requests :count REMOVE " + String.join(", ", remove))
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":lost", n(lost), ":count", n(markers.size()))));
        return total;
    }

    /**
     * Turns a reservation into the real cost, and counts the request and its tokens. A reservation already
     * gone was settled by an earlier try of this write, or written off at its most: nothing is added then.
     */
    void settle(String scope, String id, Instant madeAt, long reservedNanoUsd, long costNanoUsd, long inputTokens,
                long outputTokens) {
        if (costNanoUsd > reservedNanoUsd) {
            Log.error("a call cost more than the most it was reserved; the limit may be passed by the difference", null,
                    "account", scope, "reservedNanoUsd", reservedNanoUsd, "costNanoUsd", costNanoUsd);
        }
        for (Period period : Period.values()) {
            Map<String, Long> counts = Map.of("spentNanoUsd", costNanoUsd, "requests", 1L,
                    "inputTokens", inputTokens, "outputTokens", outputTokens);
            closeReservation(scope, id, period, madeAt, costNanoUsd - reservedNanoUsd, counts);
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
    private void closeReservation(String scope, String id, Period period, Instant at, long committedChange,
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
        } catch (ConditionalCheckFailedException alreadyClosed) {
            // settled by an earlier try of this very write, or written off (and counted) once it lapsed
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
