package dev.genapi.core.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetsUnitsTest {

    @Test
    void moneyIsExactInNanoDollarsAndPrintsWithoutTrailingZeros() {
        assertThat(Money.nanoUsd(new BigDecimal("0.30"))).isEqualTo(300_000_000L);
        assertThat(Money.nanoUsd(new BigDecimal("0.0000000001"))).as("rounded up").isEqualTo(1);
        assertThat(Money.usd(446_000)).hasToString("0.000446");
        assertThat(Money.usd(0)).hasToString("0");
        assertThat(Money.usd(2_000_000_000)).hasToString("2");
    }

    @Test
    void periodsAreTheUtcDayAndMonthAndResetAtTheirEnd() {
        Instant at = Instant.parse("2026-11-30T23:59:59Z");
        assertThat(Period.DAY.label(at)).isEqualTo("2026-11-30");
        assertThat(Period.MONTH.label(at)).isEqualTo("2026-11");
        assertThat(Period.DAY.resetsAt(at)).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(Period.MONTH.resetsAt(Instant.parse("2026-12-15T10:00:00Z"))).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @Test
    void tiersComeFromTheEnvironmentWithADefault() {
        BudgetTiers tiers = BudgetTiers.from(new Env(Map.of("BUDGET_TIERS", "free=1/10,standard=50.5/500",
                "BUDGET_DEFAULT_TIER", "free")));
        assertThat(tiers.of("standard").dailyNanoUsd()).isEqualTo(50_500_000_000L);
        assertThat(tiers.of("free").monthlyNanoUsd()).isEqualTo(10_000_000_000L);
        assertThat(tiers.of("retired-tier")).as("an unknown tier gets the default's").isEqualTo(tiers.of("free"));
        assertThatThrownBy(() -> BudgetTiers.from(new Env(Map.of("BUDGET_TIERS", "free=1/10", "BUDGET_DEFAULT_TIER", "gold"))))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> BudgetTiers.from(new Env(Map.of("BUDGET_TIERS", "free=1", "BUDGET_DEFAULT_TIER", "free"))))
                .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aBudgetRefusalWaitsUntilItsPeriodResets() {
        Instant now = Instant.parse("2026-11-23T23:00:00Z");
        BudgetExceededException spent = BudgetExceededException.of("This request", 10, Period.DAY, 5, now, false);
        assertThat(spent.toProblem().status()).isEqualTo(429);
        assertThat(spent.toProblem().slug()).isEqualTo("budget-exceeded");
        assertThat(spent.retryAfterSeconds()).as("until midnight UTC").isEqualTo(3_600);
        assertThat(spent.getMessage()).contains("resets at 2026-11-24T00:00:00Z").contains("maxOutputTokens");
        BudgetExceededException inFlight = BudgetExceededException.of("This request", 1, Period.MONTH, 5, now, true);
        assertThat(inFlight.retryAfterSeconds()).as("reservations settle soon").isEqualTo(2);
        assertThat(inFlight.inFlight()).isTrue();
    }
}
