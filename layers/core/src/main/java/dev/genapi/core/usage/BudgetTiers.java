package dev.genapi.core.usage;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default daily and monthly limits of each usage tier, from {@code BUDGET_TIERS}
 * ({@code tier=dailyUsd/monthlyUsd,...}, built in template.yaml from its parameters), and the tier of a caller
 * whose API key has none recorded ({@code BUDGET_DEFAULT_TIER}).
 */
public record BudgetTiers(Map<String, Limits> tiers, String defaultTier) {

    public static BudgetTiers from(Env env) {
        Map<String, Limits> tiers = new LinkedHashMap<>();
        for (String entry : env.list("BUDGET_TIERS")) {
            String[] tierAndLimits = entry.split("=", 2);
            String[] limits = tierAndLimits.length == 2 ? tierAndLimits[1].split("/") : new String[0];
            try {
                if (limits.length != 2) {
                    throw new NumberFormatException();
                }
                String tier = tierAndLimits[0].trim();
                tiers.put(tier, new Limits(tier, Money.nanoUsd(usd(limits[0])), Money.nanoUsd(usd(limits[1])), false));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ConfigurationException("BUDGET_TIERS entry '" + entry + "' must look like tier=<daily USD>/<monthly USD>");
            }
        }
        String defaultTier = env.require("BUDGET_DEFAULT_TIER");
        if (!tiers.containsKey(defaultTier)) {
            throw new ConfigurationException("BUDGET_DEFAULT_TIER '" + defaultTier + "' is not in BUDGET_TIERS " + tiers.keySet());
        }
        return new BudgetTiers(Map.copyOf(tiers), defaultTier);
    }

    private static BigDecimal usd(String text) {
        BigDecimal usd = new BigDecimal(text.trim());
        if (usd.signum() < 0) {
            throw new NumberFormatException();
        }
        return usd;
    }

    /** A tier's limits; an unknown tier (a record naming a tier since removed) gets the default's. */
    public Limits of(String tier) {
        return tiers.getOrDefault(tier, tiers.get(defaultTier));
    }
}
