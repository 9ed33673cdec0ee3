package dev.genapi.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The budget ledger when DynamoDB misbehaves: a write applied whose answer was lost (so the SDK sends it
 * again), a settle that reaches the day but not the month, and an account full of reservations that lapsed.
 * Whatever happens, each call is counted once or at its most, never twice and never not at all.
 */
@ExtendWith(AwsEmulators.class)
class LedgerFaultsIT {

    static final long CENT = 10_000_000L; // nano-dollars

    AwsBackend backend;
    FaultyDynamoDb faulty;
    MutableClock clock;
    Budgets budgets;
    Caller caller;

    @BeforeEach
    void budgets(AwsBackend emulators) {
        backend = emulators;
        faulty = FaultyDynamoDb.in(backend.dynamoDbEndpoint());
        clock = MutableClock.startingAtNoon();
        String table = backend.tableName("UsageTable");
        DynamoDbClient dynamo = AwsClients.dynamoDb(new Env(Map.of("AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL_DYNAMODB", faulty.endpoint().toString())));
        BudgetTiers tiers = BudgetTiers.from(new Env(Map.of("BUDGET_TIERS", "free=1/10", "BUDGET_DEFAULT_TIER", "free")));
        budgets = new Budgets(new UsageLedger(dynamo, table), new CallerLimits(dynamo, table, tiers), clock);
        caller = Caller.ofApiKey("faults" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterEach
    void close() {
        faulty.close();
    }

    static boolean reserving(String operation, String body) {
        return operation.equals("UpdateItem") && body.contains(":highest");
    }

    static boolean settling(String operation, String body) {
        return operation.equals("UpdateItem") && body.contains("spentNanoUsd") && body.contains("REMOVE");
    }

    Map<String, AttributeValue> item(String period) {
        String label = period.equals("day") ? clock.instant().toString().substring(0, 10) : clock.instant().toString().substring(0, 7);
        return backend.dynamoDb().getItem(r -> r.tableName(backend.tableName("UsageTable")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("usage#" + caller.scope() + "#" + period + "#" + label)))).item();
    }

    static long number(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? Long.parseLong(item.get(name).n()) : 0;
    }

    @Test
    void aReservationWhoseAnswerWasLostAndRetriedIsCountedOnce() {
        faulty.loseAnswers(2, LedgerFaultsIT::reserving); // the day's and the month's first tries
        Reservation reservation = budgets.reserve(caller, 2 * CENT);
        assertThat(faulty.lostAnswers()).isEqualTo(2);
        budgets.settle(reservation, CENT, 10, 10);

        for (String period : new String[] {"day", "month"}) {
            assertThat(number(item(period), "committedNanoUsd")).as(period).isEqualTo(CENT);
            assertThat(number(item(period), "spentNanoUsd")).as(period).isEqualTo(CENT);
        }
    }

    @Test
    void aSettleWhoseAnswerWasLostAndRetriedIsCountedOnce() {
        Reservation reservation = budgets.reserve(caller, 2 * CENT);
        faulty.loseAnswers(2, LedgerFaultsIT::settling);
        budgets.settle(reservation, CENT, 10, 10);
        assertThat(faulty.lostAnswers()).isEqualTo(2);

        for (String period : new String[] {"day", "month"}) {
            assertThat(number(item(period), "spentNanoUsd")).as(period).isEqualTo(CENT);
            assertThat(number(item(period), "committedNanoUsd")).as(period).isEqualTo(CENT);
            assertThat(number(item(period), "requests")).as(period).isEqualTo(1);
        }
    }

    @Test
    void aSettleThatReachedTheDayButNotTheMonthIsCountedInTheMonthAtItsMost() {
        Reservation reservation = budgets.reserve(caller, 2 * CENT);
        faulty.failWhen((operation, body) -> settling(operation, body) && body.contains("#month#"));
        budgets.settle(reservation, CENT, 10, 10); // the month's write fails on every try; the answer stands
        faulty.failWhen((operation, body) -> false);
        assertThat(number(item("day"), "spentNanoUsd")).isEqualTo(CENT);

        clock.advance(Duration.ofMinutes(21)); // the month's reservation has lapsed
        budgets.release(budgets.reserve(caller, CENT));

        Map<String, AttributeValue> month = item("month");
        assertThat(number(month, "spentNanoUsd")).as("at its most, never less than it cost").isEqualTo(2 * CENT);
        assertThat(number(month, "committedNanoUsd")).isEqualTo(2 * CENT);
        assertThat(month.keySet()).noneMatch(name -> name.startsWith("rsv_"));
    }

    /** The month's item is where unsettled reservations would pile up: a day's item is new every day. */
    @Test
    void fiveThousandLapsedReservationsAreWrittenOffAndCountedWithoutBreakingTheCaller() {
        Instant lapsed = clock.instant().minus(Duration.ofMinutes(30));
        long each = 1_000;
        Map<String, AttributeValue> month = new HashMap<>();
        month.put("pk", AttributeValue.fromS("usage#" + caller.scope() + "#month#" + clock.instant().toString().substring(0, 7)));
        month.put("committedNanoUsd", AttributeValue.fromN(Long.toString(5_000 * each)));
        for (int i = 0; i < 5_000; i++) {
            month.put("rsv_" + UUID.randomUUID().toString().replace("-", ""), AttributeValue.fromS(each + ":" + lapsed.toEpochMilli()));
        }
        backend.dynamoDb().putItem(r -> r.tableName(backend.tableName("UsageTable")).item(month));

        Reservation reservation = budgets.reserve(caller, CENT);
        budgets.settle(reservation, CENT, 1, 1);

        Map<String, AttributeValue> after = item("month");
        assertThat(after.keySet()).noneMatch(name -> name.startsWith("rsv_"));
        assertThat(number(after, "spentNanoUsd")).as("each lapsed one at its most").isEqualTo(5_000 * each + CENT);
        assertThat(number(after, "committedNanoUsd")).isEqualTo(5_000 * each + CENT);
        assertThat(number(after, "requests")).isEqualTo(5_001);
        assertThat(number(item("day"), "spentNanoUsd")).isEqualTo(CENT);
    }

    @Test
    void lapsedReservationsThatFillTheBudgetRefuseCleanlyAndAreCounted() {
        backend.dynamoDb().putItem(r -> r.tableName(backend.tableName("UsageTable")).item(Map.of(
                "pk", AttributeValue.fromS("limits#" + caller.scope()), "dailyUsd", AttributeValue.fromN("0.03"))));
        Reservation lost = budgets.reserve(caller, 3 * CENT); // its invocation is killed: never settled
        clock.advance(Duration.ofMinutes(21));

        assertThatThrownBy(() -> budgets.reserve(caller, CENT)).as("a call that may have been billed fills the day")
                .isInstanceOfSatisfying(BudgetExceededException.class, e -> assertThat(e.inFlight()).isFalse());
        budgets.settle(lost, CENT, 1, 1); // it was alive after all: already counted at its most, not again
        assertThat(number(item("day"), "spentNanoUsd")).isEqualTo(3 * CENT);
        assertThat(number(item("day"), "committedNanoUsd")).isEqualTo(3 * CENT);
    }
}
