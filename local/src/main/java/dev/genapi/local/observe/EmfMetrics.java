package dev.genapi.local.observe;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metric values of one record in CloudWatch's Embedded Metric Format: the top-level fields that its
 * {@code _aws} directives name, and no others. A cache hit, say, also carries {@code inputTokens} as a plain
 * field, but those tokens were not spent, so CloudWatch does not count them, and neither does the page.
 */
final class EmfMetrics {

    private EmfMetrics() {
    }

    static Map<String, BigDecimal> of(JsonNode record) {
        Map<String, BigDecimal> values = new LinkedHashMap<>();
        for (JsonNode directive : record.path("_aws").path("CloudWatchMetrics")) {
            for (JsonNode metric : directive.path("Metrics")) {
                String name = metric.path("Name").asText();
                JsonNode value = record.get(name);
                if (value != null && value.isNumber()) {
                    values.put(name, value.decimalValue());
                }
            }
        }
        return values;
    }
}
