package dev.genapi.local.aws;

import dev.genapi.local.template.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/** Creates tables exactly as template.yaml declares them: keys, indexes, on-demand billing, TTL. */
public final class Tables {

    private Tables() {
    }

    public static void create(DynamoDbClient dynamo, List<TableSpec> tables) {
        for (TableSpec table : tables) {
            try {
                dynamo.createTable(r -> r.tableName(table.name())
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .keySchema(keySchema(table.keySchema()))
                        .attributeDefinitions(table.attributeDefinitions().stream()
                                .map(a -> AttributeDefinition.builder()
                                        .attributeName((String) a.get("AttributeName"))
                                        .attributeType((String) a.get("AttributeType")).build())
                                .toList())
                        .globalSecondaryIndexes(indexes(table.properties().get("GlobalSecondaryIndexes"))));
            } catch (ResourceInUseException alreadyThere) {
                continue; // LocalStack or a reused emulator: the table from an earlier run is fine
            }
            dynamo.waiter().waitUntilTableExists(r -> r.tableName(table.name()));
            if (table.ttlAttribute() != null) {
                dynamo.updateTimeToLive(r -> r.tableName(table.name())
                        .timeToLiveSpecification(t -> t.attributeName(table.ttlAttribute()).enabled(true)));
            }
        }
    }

    private static List<KeySchemaElement> keySchema(List<Map<String, Object>> declared) {
        return declared.stream().map(k -> KeySchemaElement.builder()
                .attributeName((String) k.get("AttributeName"))
                .keyType((String) k.get("KeyType")).build()).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<GlobalSecondaryIndex> indexes(Object declared) {
        if (!(declared instanceof List<?> list) || list.isEmpty()) {
            return null;
        }
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (Object item : list) {
            Map<String, Object> index = (Map<String, Object>) item;
            Map<String, Object> projection = (Map<String, Object>) index.get("Projection");
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName((String) index.get("IndexName"))
                    .keySchema(keySchema((List<Map<String, Object>>) index.get("KeySchema")))
                    .projection(Projection.builder()
                            .projectionType((String) projection.get("ProjectionType"))
                            .nonKeyAttributes((List<String>) projection.get("NonKeyAttributes"))
                            .build())
                    .build());
        }
        return indexes;
    }
}
