package dev.genapi.core.usage;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.log.Log;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The usage table: per caller and period ({@code usage#<scope>#day#2026-11-23}, {@code ...#month#2026-11})
 * atomic counters of requests, hits, tokens and money; an operator's per-caller limits
 * ({@code limits#<scope>}); and the tier each API key was issued on ({@code apikey#<id>}).
 * <p>
 * Spending cannot overrun a limit: a reservation adds to {@code committedNanoUsd} only on the condition that
 * the sum stays within the limit, one conditional update per period (day, then month, the day undone if the
 * month refuses). Single-item conditions serialise concurrent requests where a transaction would make them
 * conflict and retry.
 */
public final class UsageLedger {

    static final String PK = "pk";
    static final String EXPIRES_AT = "expiresAt";
    /** How long counters are kept after their period began: long enough to read last month's. */
    static final Map<Period, Duration> KEEP = Map.of(Period.DAY, Duration.ofDays(40), Period.MONTH, Duration.ofDays(400));

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public UsageLedger(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** The caller's limits: an operator's for this caller, else the tier of their API key, else the default tier. */
    public Limits limits(Caller caller, BudgetTiers tiers) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        keys.add(key(limitsKey(caller.scope())));
        caller.apiKeyId().ifPresent(id -> keys.add(key(apiKeyKey(id))));
        List<Map<String, AttributeValue>> items = dynamo.batchGetItem(r -> r.requestItems(
                Map.of(table, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes.builder().keys(keys).build())))
                .responses().getOrDefault(table, List.of());
        Map<String, Map<String, AttributeValue>> byKey = new HashMap<>();
        items.forEach(item -> byKey.put(item.get(PK).s(), item));

        Map<String, AttributeValue> keyItem = caller.apiKeyId().map(id -> byKey.get(apiKeyKey(id))).orElse(null);
        String tier = keyItem != null && keyItem.get("tier") != null ? keyItem.get("tier").s() : tiers.defaultTier();
        Limits limits = tiers.of(tier);
        Map<String, AttributeValue> custom = byKey.get(limitsKey(caller.scope()));
        if (custom == null) {
            return limits;
        }
        try {
            return new Limits(tier, usd(custom, "dailyUsd", limits.dailyNanoUsd()),
                    usd(custom, "monthlyUsd", limits.monthlyNanoUsd()), true);
        } catch (NumberFormatException | ArithmeticException e) {
            Log.warn("the limits set for a caller are not USD amounts; their tier's apply", e);
            return limits;
        }
    }

    /**
     * Sets aside {@code nanoUsd} in the caller's day and month.
     *
     * @throws BudgetExceededException when either period has no room for it (nothing stays reserved then)
     */
    public Reservation reserve(String scope, long nanoUsd, Limits limits, String what) {
        Instant now = now();
        List<Period> reserved = new ArrayList<>();
        for (Period period : Period.values()) {
            long limit = limits.of(period);
            Map<String, AttributeValue> key = key(usageKey(scope, period, now));
            Long spentWhenRefused = null;
            if (nanoUsd > limit) {
                spentWhenRefused = Long.MAX_VALUE;
            } else {
                try {
                    dynamo.updateItem(r -> r.tableName(table).key(key)
                            .updateExpression("ADD committedNanoUsd :amount SET expiresAt = if_not_exists(expiresAt, :expires)")
                            .conditionExpression("attribute_not_exists(committedNanoUsd) OR committedNanoUsd <= :highest")
                            .expressionAttributeValues(Map.of(":amount", n(nanoUsd), ":highest", n(limit - nanoUsd),
                                    ":expires", n(expiry(period, now))))
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                    reserved.add(period);
                } catch (ConditionalCheckFailedException full) {
                    Map<String, AttributeValue> item = full.hasItem() ? full.item()
                            : dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item();
                    spentWhenRefused = item == null ? 0 : number(item, "spentNanoUsd");
                }
            }
            if (spentWhenRefused != null) {
                reserved.forEach(done -> add(scope, done, now, Map.of("committedNanoUsd", -nanoUsd)));
                boolean inFlight = nanoUsd <= limit && spentWhenRefused <= limit - nanoUsd;
                throw new BudgetExceededException(period, what + " may cost up to $" + Money.usd(nanoUsd) + ", and "
                        + (inFlight ? "requests in flight have reserved the rest of this " + period.jsonName()
                                + "'s budget of $" + Money.usd(limit) + "; try again shortly."
                                : "this " + period.jsonName() + "'s budget of $" + Money.usd(limit)
                                + " has not that much left (see GET /v1/usage). It resets at " + period.resetsAt(now) + "."
                                + (nanoUsd > limit ? " A lower maxOutputTokens lowers what a request may cost." : "")),
                        now, inFlight);
            }
        }
        return new Reservation(scope, nanoUsd, now);
    }

    /** Turns the reservation into the real cost, and counts the request and its tokens. */
    public void settle(Reservation reservation, long costNanoUsd, long inputTokens, long outputTokens) {
        for (Period period : Period.values()) {
            add(reservation.scope(), period, reservation.madeAt(), Map.of(
                    "committedNanoUsd", costNanoUsd - reservation.nanoUsd(), "spentNanoUsd", costNanoUsd,
                    "requests", 1L, "inputTokens", inputTokens, "outputTokens", outputTokens));
        }
    }

    /** Gives a failed call's reservation back. */
    public void release(Reservation reservation) {
        for (Period period : Period.values()) {
            add(reservation.scope(), period, reservation.madeAt(), Map.of("committedNanoUsd", -reservation.nanoUsd()));
        }
    }

    /** Counts a request the cache answered, and what it saved. */
    public void recordHit(String scope, long savedNanoUsd) {
        Instant now = now();
        for (Period period : Period.values()) {
            add(scope, period, now, Map.of("requests", 1L, "cacheHits", 1L, "savedNanoUsd", savedNanoUsd));
        }
    }

    /** The caller's counters for the periods current now. */
    public Map<Period, PeriodUsage> read(String scope) {
        Instant now = now();
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

    /** What {@code GET /v1/usage} shows: the caller's counters and limits for the current day and month. */
    public UsageReport report(Caller caller, BudgetTiers tiers) {
        return new UsageReport(caller.scope(), limits(caller, tiers), read(caller.scope()), now());
    }

    /** Records the tier an API key was issued on (what scripts/issue-api-key does for a deployed stack). */
    public void recordApiKeyTier(String apiKeyId, String tier) {
        dynamo.putItem(r -> r.tableName(table).item(Map.of(PK, AttributeValue.fromS(apiKeyKey(apiKeyId)),
                "tier", AttributeValue.fromS(tier))));
    }

    private void add(String scope, Period period, Instant at, Map<String, Long> amounts) {
        StringBuilder update = new StringBuilder("ADD ");
        Map<String, AttributeValue> values = new HashMap<>();
        int i = 0;
        for (var amount : amounts.entrySet()) {
            update.append(i == 0 ? "" : ", ").append(amount.getKey()).append(" :v").append(i);
            values.put(":v" + i, n(amount.getValue()));
            i++;
        }
        update.append(" SET expiresAt = if_not_exists(expiresAt, :expires)");
        values.put(":expires", n(expiry(period, at)));
        dynamo.updateItem(r -> r.tableName(table).key(key(usageKey(scope, period, at)))
                .updateExpression(update.toString()).expressionAttributeValues(values));
    }

    static String usageKey(String scope, Period period, Instant at) {
        return "usage#" + scope + "#" + period.jsonName() + "#" + period.label(at);
    }

    static String limitsKey(String scope) {
        return "limits#" + scope;
    }

    static String apiKeyKey(String apiKeyId) {
        return "apikey#" + apiKeyId;
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

    private static long usd(Map<String, AttributeValue> item, String name, long fallback) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return fallback;
        }
        String text = value.n() != null ? value.n() : value.s();
        return Money.nanoUsd(new BigDecimal(text));
    }
}
