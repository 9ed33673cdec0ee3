package dev.genapi.status;

import dev.genapi.core.http.ApiRequest;
import dev.genapi.core.http.ApiResponse;
import dev.genapi.core.http.ApiResponses;
import dev.genapi.core.http.CallerIdentity;
import dev.genapi.core.usage.Budgets;
import java.util.Map;

/** GET /v1/usage: the caller's requests, hits, tokens, spending and savings, and what is left, today and this month. */
final class UsageEndpoint {

    private final Budgets budgets;
    private final CallerIdentity callers;

    UsageEndpoint(Budgets budgets, CallerIdentity callers) {
        this.budgets = budgets;
        this.callers = callers;
    }

    ApiResponse handle(ApiRequest request) {
        return ApiResponses.json(200, budgets.report(callers.of(request)).toJson(),
                Map.of("Cache-Control", "no-store"), request.requestId());
    }
}
