package dev.genapi.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.genapi.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The budget ledger's guarded paths on the DynamoDB emulator, with a clock the test moves: what no end-to-end test
 * can time (a crashed caller's reservation, a call that outlives its reservation) and a tenant's cap over
 * its JWT subjects.
 */
@ExtendWith(AwsEmulators.class)
class UsageLedgerIT {

    static final long CENT = 10_000_000L; // nano-dollars

    AwsBackend backend;
    MutableClock clock;
    Budgets budgets;
    String keyId;

    @BeforeEach
    void budgets(AwsBackend emulators) {
        backend = emulators;
        clock = MutableClock.startingAtNoon();
        String table = backend.tableName("UsageTable");
        BudgetTiers tiers = BudgetTiers.from(new Env(Map.of("BUDGET_TIERS", "free=1/10", "BUDGET_DEFAULT_TIER", "free")));
        budgets = new Budgets(new UsageLedger(backend.dynamoDb(), table), new CallerLimits(backend.dynamoDb(), table, tiers), clock);
        keyId = "ledger" + UUID.randomUUID().toString().substring(0, 8);
    }

    void setDailyLimit(String scope, String usd) {
        backend.dynamoDb().putItem(r -> r.tableName(backend.tableName("UsageTable")).item(Map.of(
                "pk", AttributeValue.fromS("limits#" + scope), "dailyUsd", AttributeValue.fromN(usd))));
    }

    long committedToday(String scope) {
        var item = backend.dynamoDb().getItem(r -> r.tableName(backend.tableName("UsageTable")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("usage#" + scope + "#day#" + clock.instant().toString().substring(0, 10))))).item();
        return Long.parseLong(item.get("committedNanoUsd").n());
    }

    @Test
    void aReservationACrashedCallerNeverSettledIsWrittenOffOnceItLapses() {
        Caller caller = Caller.ofApiKey(keyId);
        setDailyLimit(caller.scope(), "0.03");
        Reservation lost = budgets.reserve(caller, 2 * CENT); // the caller "crashes": never settled

        assertThatThrownBy(() -> budgets.reserve(caller, 2 * CENT))
                .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
                    assertThat(e.inFlight()).as("only a reservation is in the way").isTrue();
                    assertThat(e.retryAfterSeconds()).isEqualTo(2);
                });

        clock.advance(Duration.ofMinutes(21));
        Reservation next = budgets.reserve(caller, 2 * CENT);
        assertThat(committedToday(caller.scope())).as("the lapsed one was written off").isEqualTo(2 * CENT);

        budgets.settle(lost, CENT, 10, 10); // it was alive after all, and settles late: its cost counts afresh
        budgets.settle(next, CENT, 10, 10);
        assertThat(committedToday(caller.scope())).isEqualTo(2 * CENT);
        assertThat(budgets.report(caller).usage().values()).allSatisfy(period -> {
            assertThat(period.spentNanoUsd()).isEqualTo(2 * CENT);
            assertThat(period.requests()).isEqualTo(2);
        });
    }

    @Test
    void spendingNotReservationsRefusesUntilThePeriodEnds() {
        Caller caller = Caller.ofApiKey(keyId);
        setDailyLimit(caller.scope(), "0.03");
        budgets.settle(budgets.reserve(caller, 2 * CENT), 2 * CENT, 10, 10);
        assertThatThrownBy(() -> budgets.reserve(caller, 2 * CENT))
                .isInstanceOfSatisfying(BudgetExceededException.class, e -> {
                    assertThat(e.inFlight()).isFalse();
                    assertThat(e.retryAfterSeconds()).isGreaterThan(2);
                });
    }

    @Test
    void theSubjectsOfOneApiKeySpendWithinTheKeysBudgetEachWithinTheirOwn() {
        Caller alice = Caller.ofToken("https://issuer.example", "alice", keyId);
        Caller bob = Caller.ofToken("https://issuer.example", "bob", keyId);
        setDailyLimit(Caller.API_KEY_PREFIX + keyId, "0.05"); // the tenant's cap
        setDailyLimit(alice.scope(), "0.03");

        budgets.settle(budgets.reserve(alice, 3 * CENT), 3 * CENT, 1, 1);
        assertThatThrownBy(() -> budgets.reserve(alice, CENT)).as("alice's own budget is spent")
                .isInstanceOf(BudgetExceededException.class);
        budgets.settle(budgets.reserve(bob, 2 * CENT), 2 * CENT, 1, 1);
        assertThatThrownBy(() -> budgets.reserve(bob, CENT)).as("bob's is not, but the key's is")
                .isInstanceOf(BudgetExceededException.class);

        assertThat(budgets.report(Caller.ofApiKey(keyId)).usage().values())
                .allSatisfy(period -> assertThat(period.spentNanoUsd()).isEqualTo(5 * CENT));
        assertThat(committedToday(bob.scope())).as("a refused reservation leaves nothing behind").isEqualTo(2 * CENT);
    }
}
