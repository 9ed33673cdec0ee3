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

/** A warm container's cache hit against the floor of any hit: one raw GetItem of the same entry, alternated. */
final class WarmHit {

    record Result(Samples hitMs, Samples getItemMs, int iterations) {
        double ratio() {
            return hitMs.median() / getItemMs.median();
        }
    }

    static Result measure(RequestStreamHandler handler, DynamoDbClient dynamo, String table, byte[] event, int iterations)
            throws IOException {
        Map<String, AttributeValue> key = anyEntry(dynamo, table);
        List<Double> hits = new ArrayList<>();
        List<Double> getItems = new ArrayList<>();
        for (int i = 0; i < iterations + iterations / 4; i++) {
            boolean warmingUp = i < iterations / 4;
            long start = System.nanoTime();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), answer, null);
            long hit = System.nanoTime();
            dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(false));
            long getItem = System.nanoTime();
            if (!answer.toString().contains("\"statusCode\":200")) {
                throw new IllegalStateException("the hit did not answer 200: " + answer);
            }
            if (!warmingUp) {
                hits.add((hit - start) / 1e6);
                getItems.add((getItem - hit) / 1e6);
            }
        }
        return new Result(Samples.of(hits), Samples.of(getItems), iterations);
    }

    /** A cache entry: every entry here holds the fake model's same short answer, as the hit's does. */
    private static Map<String, AttributeValue> anyEntry(DynamoDbClient dynamo, String table) {
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(r -> r.tableName(table)).items()) {
            return Map.of("cacheKey", item.get("cacheKey"));
        }
        throw new IllegalStateException("no cache entry to read");
    }
}
