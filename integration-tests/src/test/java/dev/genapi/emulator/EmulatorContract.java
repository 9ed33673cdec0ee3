package dev.genapi.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.S3Objects;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * What genapi relies on from DynamoDB and S3, held against whichever emulator runs the tests: per-item
 * atomicity under concurrency (budgets, single-flight leases), put-if-absent, transactions cancelled by their
 * condition, reads that see a write at once, and S3 objects that round-trip. An emulator that loses updates
 * (moto's stock threaded server did) fails the first test.
 */
abstract class EmulatorContract {

    static final int THREADS = 32;
    static final int CALLS_PER_THREAD = 30;

    String table;
    DynamoDbClient dynamo;

    protected abstract AwsBackend backend();

    /** A fresh table per test: no test sees another's items. */
    @BeforeEach
    void newTable() {
        dynamo = backend().dynamoDb();
        table = "contract-" + UUID.randomUUID();
        dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S)));
        dynamo.waiter().waitUntilTableExists(r -> r.tableName(table));
    }

    @AfterEach
    void dropTable() {
        dynamo.deleteTable(r -> r.tableName(table));
    }

    @Test
    void concurrentConditionalIncrementsNeitherLoseUpdatesNorPassTheLimit() throws Exception {
        Map<String, AttributeValue> key = key("counter-" + UUID.randomUUID());
        int limit = THREADS * CALLS_PER_THREAD * 2 / 3; // two thirds of the calls fit under it
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        everyThread(() -> {
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                try {
                    dynamo.updateItem(r -> r.tableName(table).key(key)
                            .updateExpression("SET n = if_not_exists(n, :zero) + :one")
                            .conditionExpression("attribute_not_exists(n) OR n < :limit")
                            .expressionAttributeValues(Map.of(":zero", number(0), ":one", number(1), ":limit", number(limit))));
                    successes.incrementAndGet();
                } catch (ConditionalCheckFailedException full) {
                    refused.incrementAndGet();
                }
            }
            return null;
        });

        assertThat(successes.get() + refused.get()).isEqualTo(THREADS * CALLS_PER_THREAD);
        assertThat(number(read(key).get("n"))).as("final value == successful calls").isEqualTo(successes.get());
        assertThat(successes.get()).as("the limit, reached and never passed").isEqualTo(limit);
    }

    @Test
    void concurrentAddsAllCount() throws Exception {
        Map<String, AttributeValue> key = key("adds-" + UUID.randomUUID());
        everyThread(() -> {
            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                dynamo.updateItem(r -> r.tableName(table).key(key).updateExpression("ADD n :one")
                        .expressionAttributeValues(Map.of(":one", number(1))));
            }
            return null;
        });

        assertThat(number(read(key).get("n"))).isEqualTo(THREADS * CALLS_PER_THREAD);
    }

    @Test
    void putIfAbsentFromManyThreadsHasExactlyOneWinner() throws Exception {
        Map<String, AttributeValue> key = key("lease-" + UUID.randomUUID());
        List<String> winners = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        everyThread(() -> {
            String owner = UUID.randomUUID().toString();
            Map<String, AttributeValue> item = new HashMap<>(key);
            item.put("owner", AttributeValue.fromS(owner));
            try {
                dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
                winners.add(owner);
            } catch (ConditionalCheckFailedException taken) {
                refused.incrementAndGet();
            }
            return null;
        });

        assertThat(winners).hasSize(1);
        assertThat(refused.get()).isEqualTo(THREADS - 1);
        assertThat(read(key).get("owner").s()).isEqualTo(winners.get(0));
    }

    @Test
    void aTransactionCancelledByItsConditionCheckWritesNothing() {
        String pk = "tx-" + UUID.randomUUID();
        dynamo.putItem(r -> r.tableName(table).item(item(pk, "b", Map.of("n", number(1)))));

        assertThatThrownBy(() -> dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(item(pk, "a", Map.of("n", number(1))))).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk, "b"))
                        .updateExpression("SET n = n + :one").expressionAttributeValues(Map.of(":one", number(1)))).build(),
                TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key(pk, "c"))
                        .conditionExpression("attribute_exists(pk)")).build())))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> assertThat(e.cancellationReasons())
                        .extracting(reason -> reason.code()).containsExactly("None", "None", "ConditionalCheckFailed"));

        assertThat(dynamo.getItem(r -> r.tableName(table).key(key(pk, "a")).consistentRead(true)).hasItem()).isFalse();
        assertThat(number(read(key(pk, "b")).get("n"))).isEqualTo(1);
    }

    @Test
    void aTransactionWhoseConditionsHoldWritesEverything() {
        String pk = "tx-" + UUID.randomUUID();
        dynamo.putItem(r -> r.tableName(table).item(item(pk, "c", Map.of())));

        dynamo.transactWriteItems(r -> r.transactItems(
                TransactWriteItem.builder().put(p -> p.tableName(table).item(item(pk, "a", Map.of("n", number(1))))
                        .conditionExpression("attribute_not_exists(pk)")).build(),
                TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key(pk, "c"))
                        .conditionExpression("attribute_exists(pk)")).build()));

        assertThat(number(read(key(pk, "a")).get("n"))).isEqualTo(1);
    }

    @Test
    void consistentReadsAndQueriesSeeAWriteAtOnce() {
        String pk = "read-" + UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            String sk = String.format("%03d", i);
            dynamo.putItem(r -> r.tableName(table).item(item(pk, sk, Map.of("n", number(Integer.parseInt(sk))))));
            assertThat(number(read(key(pk, sk)).get("n"))).isEqualTo(i);
            var page = dynamo.query(r -> r.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk))));
            assertThat(page.count()).isEqualTo(i + 1);
            assertThat(page.items().get(i).get("sk").s()).isEqualTo(sk);
        }
        var updated = dynamo.updateItem(r -> r.tableName(table).key(key(pk, "000")).updateExpression("SET n = :n")
                .expressionAttributeValues(Map.of(":n", number(7))).returnValues(ReturnValue.UPDATED_NEW));
        assertThat(number(updated.attributes().get("n"))).isEqualTo(7);
        assertThat(number(read(key(pk, "000")).get("n"))).isEqualTo(7);
    }

    @Test
    void theTemplateTablesHaveTheirTimeToLive() {
        var tables = backend().template().tables().stream().filter(t -> t.ttlAttribute() != null).toList();
        assertThat(tables).isNotEmpty();
        for (var declared : tables) {
            var ttl = dynamo.describeTimeToLive(r -> r.tableName(declared.name())).timeToLiveDescription();
            assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
            assertThat(ttl.attributeName()).isEqualTo(declared.ttlAttribute());
        }
    }

    @Test
    void s3ObjectsRoundTrip() {
        S3Objects s3 = new S3Objects(backend().s3Endpoint());
        String bucket = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] jsonl = "{\"custom_id\":\"1\",\"prompt\":\"Name a colour.\"}\n{\"custom_id\":\"2\",\"prompt\":\"héllo\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] results = "{\"custom_id\":\"1\",\"text\":\"Blue.\"}\n".getBytes(StandardCharsets.UTF_8);

        assertThat(s3.createBucket(bucket).statusCode()).isEqualTo(200);
        assertThat(s3.put(bucket, "batches/in.jsonl", jsonl).statusCode()).isEqualTo(200);
        assertThat(s3.get(bucket, "batches/in.jsonl").body()).isEqualTo(jsonl);
        assertThat(s3.put(bucket, "batches/in.jsonl", results).statusCode()).as("overwritten").isEqualTo(200);
        assertThat(s3.get(bucket, "batches/in.jsonl").body()).isEqualTo(results);
        assertThat(s3.get(bucket, "batches/absent.jsonl").statusCode()).isEqualTo(404);
    }

    /** Runs the task on THREADS threads released together; rethrows the first failure. */
    private static void everyThread(Callable<Void> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            for (Future<Void> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Map<String, AttributeValue> read(Map<String, AttributeValue> key) {
        var response = dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true));
        assertThat(response.hasItem()).as("item %s", key).isTrue();
        return response.item();
    }

    private static Map<String, AttributeValue> key(String pk) {
        return key(pk, "-");
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    private static Map<String, AttributeValue> item(String pk, String sk, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(key(pk, sk));
        item.putAll(attributes);
        return item;
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    private static long number(AttributeValue value) {
        return Long.parseLong(value.n());
    }
}
