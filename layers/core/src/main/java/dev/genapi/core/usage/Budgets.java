package dev.genapi.core.usage;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.GenerationRequest;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Per-caller budgets, as the generation paths use them: reserve what a request may cost before the model is
 * called, settle to what it did cost, release on failure; count cache hits and what they saved; and check,
 * without reserving, that a job or batch has room when it is submitted.
 */
public final class Budgets {

    private final UsageLedger ledger;
    private final BudgetTiers tiers;
    private final Pricing pricing;

    public Budgets(UsageLedger ledger, BudgetTiers tiers, Pricing pricing) {
        this.ledger = ledger;
        this.tiers = tiers;
        this.pricing = pricing;
    }

    /** From USAGE_TABLE, BUDGET_TIERS and BUDGET_DEFAULT_TIER (names as in template.yaml). */
    public static Budgets from(Env env, DynamoDbClient dynamo, Clock clock, Pricing pricing) {
        return new Budgets(new UsageLedger(dynamo, env.require("USAGE_TABLE"), clock), BudgetTiers.from(env), pricing);
    }

    /** @throws BudgetExceededException when the caller's day or month has no room for the request's most */
    public Reservation reserve(Caller caller, GenerationRequest request) {
        return ledger.reserve(caller.scope(), pricing.maxNanoUsd(request), ledger.limits(caller, tiers), "This request");
    }

    public void settle(Reservation reservation, Generation generation) {
        ledger.settle(reservation, generation.usage().costNanoUsd(), generation.usage().inputTokens(),
                generation.usage().outputTokens());
    }

    public void release(Reservation reservation) {
        ledger.release(reservation);
    }

    public void recordHit(Caller caller, Generation cached) {
        ledger.recordHit(caller.scope(), cached.usage().costNanoUsd());
    }

    /**
     * A job's check at submission: its most would fit what is not yet spent. Nothing is reserved yet, and
     * what requests in flight have reserved will be settled by the time the job runs.
     */
    public void requireRoomFor(Caller caller, GenerationRequest request) {
        requireRoom(caller, pricing.maxNanoUsd(request), "This job");
    }

    /** A batch's check at submission: the caller is not already out of budget. */
    public void requireNotExhausted(Caller caller) {
        requireRoom(caller, 1, "Any request");
    }

    private void requireRoom(Caller caller, long nanoUsd, String what) {
        Limits limits = ledger.limits(caller, tiers);
        Map<Period, PeriodUsage> usage = ledger.read(caller.scope());
        for (Period period : Period.values()) {
            if (usage.get(period).spentNanoUsd() + nanoUsd > limits.of(period)) {
                throw new BudgetExceededException(period, what + " may cost up to $" + Money.usd(nanoUsd)
                        + ", and this " + period.jsonName() + "'s budget of $" + Money.usd(limits.of(period))
                        + " has not that much left (see GET /v1/usage).", ledger.now(), false);
            }
        }
    }
}
