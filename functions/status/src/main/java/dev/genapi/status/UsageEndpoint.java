package dev.genapi.status;

import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.usage.BudgetTiers;
import dev.genapi.core.usage.UsageLedger;
import java.util.Map;

/** GET /v1/usage: the caller's requests, hits, tokens, spending and savings, and what is left, today and this month. */
final class UsageEndpoint {

    private final UsageLedger ledger;
    private final BudgetTiers tiers;
    private final CallerIdentity callers;

    UsageEndpoint(UsageLedger ledger, BudgetTiers tiers, CallerIdentity callers) {
        this.ledger = ledger;
        this.tiers = tiers;
        this.callers = callers;
    }

    ApiResponse handle(ApiRequest request) {
        return ApiResponses.json(200, ledger.report(callers.of(request), tiers).toJson(),
                Map.of("Cache-Control", "no-store"), request.requestId());
    }
}
