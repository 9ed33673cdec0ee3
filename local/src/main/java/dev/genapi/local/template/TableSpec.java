package dev.genapi.local.template;

import java.util.List;
import java.util.Map;

/**
 * An {@code AWS::DynamoDB::Table} as declared.
 *
 * @param name             the physical name the local stack gives it
 * @param ttlAttribute     the TimeToLiveSpecification attribute, or null when TTL is not enabled
 * @param properties       the resolved Properties, for what else a creator needs (indexes, billing)
 */
public record TableSpec(String logicalId, String name, List<Map<String, Object>> keySchema,
                        List<Map<String, Object>> attributeDefinitions, String ttlAttribute,
                        Map<String, Object> properties) {
}
