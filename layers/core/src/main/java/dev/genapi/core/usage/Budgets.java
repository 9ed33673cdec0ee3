package dev.genapi.core.usage;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.log.Log;
import dev.genapi.core.random.Entropy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Per-caller budgets, as the generation paths use them: reserve the most a call can cost before the model
 * is called, settle to what it did cost, release when it surely cost nothing; count cache hits and what they
 * saved; and check, without reserving, that a job or batch has room when it is submitted.
 * <p>
 * A caller spends from their own account and, when they are a JWT subject, from their API key's too: each
 * end user of a tenant has their own budget, and together they cannot spend more than the tenant's.
 */
public final class Budgets {

    /** One account a caller spends from, with its limits. */
    private record Account(String scope, Limits limits) {
    }

    private final UsageLedger ledger;
    private final CallerLimits limits;
    private final Clock clock;

    public Budgets(UsageLedger ledger, CallerLimits limits, Clock clock) {
        this.ledger = ledger;
        this.limits = limits;
        this.clock = clock;
    }

    /** From USAGE_TABLE, BUDGET_TIERS and BUDGET_DEFAULT_TIER (names as in template.yaml). */
    public static Budgets from(Env env, DynamoDbClient dynamo, Clock clock) {
        String table = env.require("USAGE_TABLE");
        return new Budgets(new UsageLedger(dynamo, table), new CallerLimits(dynamo, table, BudgetTiers.from(env)), clock);
    }

    /** @throws BudgetExceededException when an account's day or month has no room for {@code nanoUsd} */
    public Reservation reserve(Caller caller, long nanoUsd) {
        Instant now = clock.instant();
        String id = Entropy.uuidHex();
        List<String> reserved = new ArrayList<>();
        try {
            for (Account account : accounts(caller)) {
                ledger.reserve(account.scope(), id, nanoUsd, account.limits(), now, "This request");
                reserved.add(account.scope());
            }
        } catch (RuntimeException e) {
            reserved.forEach(scope -> quietly(() -> ledger.release(scope, id, now, nanoUsd),
                    "a partial reservation could not be undone; it is charged in full when it lapses"));
            throw e;
        }
        return new Reservation(id, reserved, nanoUsd, now);
    }

    // Bookkeeping after a call never fails the answer: a step DynamoDB refuses is logged, and what it
    // leaves reserved is charged in full (the call may have been billed) when the reservation lapses.

    /** Settles the reservation to what the call cost. */
    public void settle(Reservation reservation, long costNanoUsd, long inputTokens, long outputTokens) {
        reservation.scopes().forEach(scope -> quietly(() -> ledger.settle(scope, reservation.id(),
                reservation.madeAt(), reservation.nanoUsd(), costNanoUsd, inputTokens, outputTokens),
                "a call could not be settled; its reservation is charged in full when it lapses"));
    }

    /** Settles a call that failed after it may have been billed: at the most it could have cost. */
    public void settleAtMost(Reservation reservation) {
        settle(reservation, reservation.nanoUsd(), 0, 0);
    }

    /** Gives back the reservation of a call that surely cost nothing. */
    public void release(Reservation reservation) {
        reservation.scopes().forEach(scope -> quietly(() -> ledger.release(scope, reservation.id(),
                reservation.madeAt(), reservation.nanoUsd()),
                "a reservation could not be released; it is charged in full when it lapses"));
    }

    public void recordHit(Caller caller, long savedNanoUsd) {
        Instant now = clock.instant();
        scopes(caller).forEach(scope -> quietly(() -> ledger.recordHit(scope, savedNanoUsd, now),
                "a cache hit could not be counted in its caller's usage"));
    }

    /**
     * A job's check at submission: its most must fit what is not yet spent. Nothing is reserved yet, and
     * what calls in flight have reserved will be settled by the time the job runs.
     */
    public void requireRoomFor(Caller caller, long nanoUsd) {
        requireRoom(caller, nanoUsd, "This job");
    }

    /** A batch's check at submission: the caller has something left to spend. */
    public void requireNotExhausted(Caller caller) {
        requireRoom(caller, 1, "Any request");
    }

    private void requireRoom(Caller caller, long nanoUsd, String what) {
        Instant now = clock.instant();
        for (Account account : accounts(caller)) {
            Map<Period, PeriodUsage> usage = ledger.read(account.scope(), now);
            for (Period period : Period.values()) {
                long limit = account.limits().of(period);
                if (usage.get(period).spentNanoUsd() + nanoUsd > limit) {
                    throw BudgetExceededException.of(what, nanoUsd, period, limit, now, false);
                }
            }
        }
    }

    /** What {@code GET /v1/usage} shows: the caller's counters and limits for the current day and month. */
    public UsageReport report(Caller caller) {
        Instant now = clock.instant();
        return new UsageReport(caller.scope(), limits.of(caller), ledger.read(caller.scope(), now), now);
    }

    private List<Account> accounts(Caller caller) {
        List<Account> accounts = new ArrayList<>();
        accounts.add(new Account(caller.scope(), limits.of(caller)));
        tenant(caller).ifPresent(key -> accounts.add(new Account(key, limits.of(key, caller.apiKeyId()))));
        return accounts;
    }

    private static List<String> scopes(Caller caller) {
        List<String> scopes = new ArrayList<>(List.of(caller.scope()));
        tenant(caller).ifPresent(scopes::add);
        return scopes;
    }

    /** A JWT subject's API key, whose account caps what all its subjects spend together. */
    private static Optional<String> tenant(Caller caller) {
        return caller.scope().startsWith(Caller.TOKEN_PREFIX)
                ? caller.apiKeyId().map(id -> Caller.API_KEY_PREFIX + id) : Optional.empty();
    }

    private static void quietly(Runnable step, String whenItFails) {
        try {
            step.run();
        } catch (SdkException e) {
            Log.warn(whenItFails, e);
        }
    }
}
