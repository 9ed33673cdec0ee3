package dev.genapi.core.usage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.encoding.Json;
import java.time.Instant;
import java.util.Map;

/** A caller's usage and budget for the current day and month, as {@code GET /v1/usage} answers it. */
public record UsageReport(String scope, Limits limits, Map<Period, PeriodUsage> usage, Instant at) {

    public ObjectNode toJson() {
        ObjectNode json = Json.object().put("caller", scope).put("tier", limits.tier())
                .put("customLimits", limits.custom());
        for (Period period : Period.values()) {
            PeriodUsage used = usage.get(period);
            long limit = limits.of(period);
            json.putObject(period.jsonName())
                    .put("period", period.label(at))
                    .put("resetsAt", period.resetsAt(at).toString())
                    .put("requests", used.requests())
                    .put("cacheHits", used.cacheHits())
                    .put("inputTokens", used.inputTokens())
                    .put("outputTokens", used.outputTokens())
                    .put("spentUsd", Money.usd(used.spentNanoUsd()))
                    .put("savedUsd", Money.usd(used.savedNanoUsd()))
                    .put("reservedUsd", Money.usd(Math.max(0, used.committedNanoUsd() - used.spentNanoUsd())))
                    .put("limitUsd", Money.usd(limit))
                    .put("remainingUsd", Money.usd(Math.max(0, limit - used.committedNanoUsd())));
        }
        return json;
    }
}
