package dev.genapi.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.caller.Caller;
import dev.genapi.core.config.Env;
import dev.genapi.core.usage.BudgetExceededException;
import dev.genapi.core.usage.BudgetTiers;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.usage.CallerLimits;
import dev.genapi.core.usage.Reservation;
import dev.genapi.core.usage.UsageLedger;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FaultyDynamoDb;
import dev.genapi.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The ledger's rules over random interleavings of many calls' reserve, settle, settle-at-most, release and
 * crash (a call never settled, written off once it lapses), with the clock moving and DynamoDB failing
 * writes or losing their answers (so the SDK retries writes that were applied). After every step, in the
 * day and the month: committed never above the limit and never negative, spent never above committed; at
 * the end, once nothing is in flight, what is counted is at least what may have been billed.
 * Each seed is one reproducible history; a failure names it.
 */
@ExtendWith(AwsEmulators.class)
class LedgerPropertiesIT {

    static final long LIMIT = 50_000_000L; // $0.05 a day, in nano-dollars
    static final int STEPS = 100;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void countedCoversBilledAndCommittedNeverPassesTheLimit(long seed, AwsBackend backend) {
        Random random = new Random(seed);
        MutableClock clock = MutableClock.startingAtNoon();
        String table = backend.tableName("UsageTable");
        Caller caller = Caller.ofApiKey("property" + UUID.randomUUID().toString().substring(0, 8));
        backend.dynamoDb().putItem(r -> r.tableName(table).item(Map.of("pk", AttributeValue.fromS("limits#" + caller.scope()),
                "dailyUsd", AttributeValue.fromN("0.05"), "monthlyUsd", AttributeValue.fromN("0.05"))));
        try (FaultyDynamoDb faulty = FaultyDynamoDb.in(backend.dynamoDbEndpoint())) {
            faulty.loseAnswers(Integer.MAX_VALUE, (operation, body) -> operation.equals("UpdateItem") && chance(random, 0.15));
            faulty.failWhen((operation, body) -> operation.equals("UpdateItem") && chance(random, 0.01));
            DynamoDbClient dynamo = AwsClients.dynamoDb(new Env(Map.of("AWS_REGION", "us-east-1",
                    "AWS_ENDPOINT_URL_DYNAMODB", faulty.endpoint().toString())));
            BudgetTiers tiers = BudgetTiers.from(new Env(Map.of("BUDGET_TIERS", "free=1/10", "BUDGET_DEFAULT_TIER", "free")));
            Budgets budgets = new Budgets(new UsageLedger(dynamo, table), new CallerLimits(dynamo, table, tiers), clock);
            Ledger ledger = new Ledger(backend, table, caller, clock);

            List<Reservation> inFlight = new ArrayList<>();
            long billed = 0; // the most the provider may have billed for the calls so far
            List<String> history = new ArrayList<>();
            for (int step = 0; step < STEPS; step++) {
                int choice = random.nextInt(100);
                if (choice < 40 || inFlight.isEmpty()) {
                    long amount = 1 + random.nextInt(10) * 1_000_000L + random.nextInt(1_000_000);
                    try {
                        inFlight.add(budgets.reserve(caller, amount));
                        history.add("reserve " + amount);
                    } catch (BudgetExceededException | SdkException refused) {
                        history.add("reserve " + amount + " refused: " + refused.getClass().getSimpleName());
                    }
                } else {
                    Reservation call = inFlight.remove(random.nextInt(inFlight.size()));
                    if (choice < 65) {
                        long cost = random.nextInt((int) call.nanoUsd() + 1);
                        budgets.settle(call, cost, 1, 1);
                        billed += cost;
                        history.add("settle " + cost + " of " + call.nanoUsd());
                    } else if (choice < 75) {
                        budgets.settleAtMost(call);
                        billed += call.nanoUsd();
                        history.add("settle at most " + call.nanoUsd());
                    } else if (choice < 85) {
                        budgets.release(call);
                        history.add("release " + call.nanoUsd());
                    } else { // its invocation was killed after the call: it may have been billed in full
                        billed += call.nanoUsd();
                        history.add("crash " + call.nanoUsd());
                    }
                }
                if (random.nextInt(10) == 0) {
                    Duration minutes = Duration.ofMinutes(random.nextInt(25));
                    clock.advance(minutes);
                    history.add("clock +" + minutes.toMinutes() + " min");
                }
                ledger.check("seed " + seed + " after " + history);
            }
            // Every call still in flight is killed; once they lapse, the next request writes them off.
            for (Reservation call : inFlight) {
                billed += call.nanoUsd();
            }
            clock.advance(Duration.ofMinutes(21));
            faulty.loseAnswers(0, (operation, body) -> false);
            faulty.failWhen((operation, body) -> false);
            try {
                budgets.release(budgets.reserve(caller, 1));
            } catch (BudgetExceededException full) {
                // refused by what the lapsed calls were counted at: they were written off all the same
            }
            ledger.check("seed " + seed + " at the end of " + history);
            for (String period : Ledger.PERIODS) {
                assertThat(ledger.number(period, "spentNanoUsd")).as("seed %d: %s counted ≥ billed", seed, period)
                        .isGreaterThanOrEqualTo(billed);
                assertThat(ledger.number(period, "committedNanoUsd")).as("seed %d: nothing in flight", seed)
                        .isEqualTo(ledger.number(period, "spentNanoUsd"));
            }
        }
    }

    private static synchronized boolean chance(Random random, double probability) {
        return random.nextDouble() < probability;
    }

    /** The caller's counters, read straight from the table. */
    record Ledger(AwsBackend backend, String table, Caller caller, MutableClock clock) {
        static final List<String> PERIODS = List.of("day", "month");

        long number(String period, String name) {
            String label = clock.instant().toString().substring(0, period.equals("day") ? 10 : 7);
            Map<String, AttributeValue> item = backend.dynamoDb().getItem(r -> r.tableName(table).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("usage#" + caller.scope() + "#" + period + "#" + label)))).item();
            return item != null && item.containsKey(name) ? Long.parseLong(item.get(name).n()) : 0;
        }

        void check(String where) {
            for (String period : PERIODS) {
                long committed = number(period, "committedNanoUsd");
                long spent = number(period, "spentNanoUsd");
                assertThat(committed).as("%s: %s committed within the limit", where, period).isBetween(0L, LIMIT);
                assertThat(spent).as("%s: %s spent within committed", where, period).isBetween(0L, committed);
            }
        }
    }
}
