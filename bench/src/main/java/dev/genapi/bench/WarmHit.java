package dev.genapi.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A warm container's cache hit against two floors, alternated on the same moto server: one raw GetItem of
 * the same entry (the floor of any read), and that GetItem followed by the two counter writes a hit makes by
 * design (issue 6: every hit counts in its caller's day and month usage, as raw UpdateItems of the same shape).
 */
final class WarmHit {

    record Result(Samples hitMs, Samples getItemMs, Samples getItemAndCountersMs, int iterations) {
        double ratio() {
            return hitMs.median() / getItemMs.median();
        }

        double ratioToDesign() {
            return hitMs.median() / getItemAndCountersMs.median();
        }
    }

    static Result measure(RequestStreamHandler handler, DynamoDbClient dynamo, String cacheTable, String usageTable,
                          byte[] event, int iterations) throws IOException {
        Map<String, AttributeValue> key = anyEntry(dynamo, cacheTable);
        List<Double> hits = new ArrayList<>();
        List<Double> getItems = new ArrayList<>();
        List<Double> withCounters = new ArrayList<>();
        for (int i = 0; i < iterations + iterations / 4; i++) {
            boolean warmingUp = i < iterations / 4;
            long start = System.nanoTime();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), answer, null);
            long hit = System.nanoTime();
            dynamo.getItem(r -> r.tableName(cacheTable).key(key).consistentRead(false));
            long getItem = System.nanoTime();
            dynamo.getItem(r -> r.tableName(cacheTable).key(key).consistentRead(false));
            count(dynamo, usageTable, "usage#bench#day#2026-11-24");
            count(dynamo, usageTable, "usage#bench#month#2026-11");
            long counted = System.nanoTime();
            if (!answer.toString().contains("\"statusCode\":200")) {
                throw new IllegalStateException("the hit did not answer 200: " + answer);
            }
            if (!warmingUp) {
                hits.add((hit - start) / 1e6);
                getItems.add((getItem - hit) / 1e6);
                withCounters.add((counted - getItem) / 1e6);
            }
        }
        return new Result(Samples.of(hits), Samples.of(getItems), Samples.of(withCounters), iterations);
    }

    /** The write a hit makes per period (UsageLedger's counters): three ADDs and the expiry, unconditional. */
    private static void count(DynamoDbClient dynamo, String table, String pk) {
        dynamo.updateItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk)))
                .updateExpression("ADD requests :one, cacheHits :one, savedNanoUsd :saved"
                        + " SET expiresAt = if_not_exists(expiresAt, :expires)")
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                        ":saved", AttributeValue.fromN("1234"), ":expires", AttributeValue.fromN("1900000000"))));
    }

    /** A cache entry: every entry here holds the fake model's same short answer, as the hit's does. */
    private static Map<String, AttributeValue> anyEntry(DynamoDbClient dynamo, String table) {
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(r -> r.tableName(table)).items()) {
            return Map.of("cacheKey", item.get("cacheKey"));
        }
        throw new IllegalStateException("no cache entry to read");
    }
}
