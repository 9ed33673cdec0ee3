package dev.genapi.core.usage;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.log.Log;
import java.math.BigDecimal;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The usage table's records of who may spend what: the tier each API key was issued on
 * ({@code apikey#<id>}, written by scripts/issue-api-key) and an operator's limits for one caller
 * ({@code limits#<scope>}, written by scripts/set-budget), over their tier's defaults ({@link BudgetTiers}).
 */
public final class CallerLimits {

    static final String PK = "pk";

    private final DynamoDbClient dynamo;
    private final String table;
    private final BudgetTiers tiers;

    public CallerLimits(DynamoDbClient dynamo, String table, BudgetTiers tiers) {
        this.dynamo = dynamo;
        this.table = table;
        this.tiers = tiers;
    }

    /** The limits of one account: an operator's for {@code scope}, else the tier of the API key, else the default. */
    public Limits of(String scope, java.util.Optional<String> apiKeyId) {
        String tier = apiKeyId.map(id -> item("apikey#" + id)).map(item -> item.get("tier"))
                .map(AttributeValue::s).orElse(tiers.defaultTier());
        Limits limits = tiers.of(tier);
        Map<String, AttributeValue> custom = item("limits#" + scope);
        if (custom == null) {
            return limits;
        }
        return new Limits(tier, usd(custom, "dailyUsd", limits.dailyNanoUsd()),
                usd(custom, "monthlyUsd", limits.monthlyNanoUsd()), true);
    }

    /** The caller's own limits (what GET /v1/usage shows). */
    public Limits of(Caller caller) {
        return of(caller.scope(), caller.apiKeyId());
    }

    /** Records the tier an API key was issued on (what scripts/issue-api-key does for a deployed stack). */
    public static void recordApiKeyTier(DynamoDbClient dynamo, String table, String apiKeyId, String tier) {
        dynamo.putItem(r -> r.tableName(table).item(Map.of(PK, AttributeValue.fromS("apikey#" + apiKeyId),
                "tier", AttributeValue.fromS(tier))));
    }

    private Map<String, AttributeValue> item(String pk) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of(PK, AttributeValue.fromS(pk)))).item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** An operator's limit; one that is not a USD amount stops all spending (fail closed) and says so. */
    private static long usd(Map<String, AttributeValue> item, String name, long fallback) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            BigDecimal usd = new BigDecimal(value.n() != null ? value.n() : value.s());
            if (usd.signum() < 0) {
                throw new NumberFormatException();
            }
            return Money.nanoUsd(usd);
        } catch (NumberFormatException | ArithmeticException | NullPointerException e) {
            Log.warn("a caller's limit is not a USD amount; nothing may be spent until it is fixed", e, "limit", name,
                    "limitsItem", item.get(PK).s());
            return 0;
        }
    }
}
