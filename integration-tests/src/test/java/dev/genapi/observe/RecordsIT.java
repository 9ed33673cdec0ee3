package dev.genapi.observe;

import static dev.genapi.testing.ApiEvents.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.TraceHeader;
import dev.genapi.local.Redrive;
import dev.genapi.local.template.SamTemplate;
import dev.genapi.testing.AsyncStack;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.FakeReceiver;
import dev.genapi.testing.InsightsQueries;
import dev.genapi.testing.Repository;
import dev.genapi.testing.Tee;
import dev.genapi.testing.TemplateMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The records the functions write, as CloudWatch Logs receives them (the lines on stdout), on every path:
 * sync miss, hit and errors; a job; a batch; a worker's retries and failures; dead letters. Every record
 * is checked against the record's schema and the Embedded Metric Format specification, then each path's
 * values are checked: what a hit, a miss, a failure and a dead letter must say. The invocations are traced
 * (a sampled trace header and a local X-Ray daemon), so records carry the trace id, and subsegments arrive.
 */
@ExtendWith(AwsEmulators.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecordsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);
    /** The units CloudWatch accepts in a metric definition. */
    static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");

    static AwsBackend backend;
    /** Every line the paths printed, for the last tests: what the dashboard, alarms and queries may name. */
    static final List<String> PRINTED = new ArrayList<>();
    /** Each function's name, as Lambda gives it (AWS_LAMBDA_FUNCTION_NAME) and the template's !Ref. */
    static final Map<String, String> FUNCTIONS = Map.of(
            "GenerateFunction", Repository.template().function("GenerateFunction").name(),
            "StatusFunction", Repository.template().function("StatusFunction").name(),
            "WorkerFunction", Repository.template().function("WorkerFunction").name(),
            "WebhookFunction", Repository.template().function("WebhookFunction").name());
    static FakeGemini gemini;
    static DatagramChannel daemon;

    AsyncStack stack;
    String marker;
    String caller;
    String traceId;
    String parentId;
    ByteArrayOutputStream captured;
    PrintStream console;

    @BeforeAll
    static void start(AwsBackend emulators) throws IOException {
        backend = emulators;
        gemini = FakeGemini.start();
        daemon = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        daemon.configureBlocking(false);
        // What other tests left on the shared queues is not these paths' to run.
        for (String queue : List.of("JobsQueue", "JobsDeadLetterQueue", "WebhookQueue", "WebhookDeadLetterQueue")) {
            backend.sqs().purgeQueue(r -> r.queueUrl(backend.queueUrl(queue)));
        }
    }

    @AfterAll
    static void stop() throws IOException {
        gemini.close();
        daemon.close();
    }

    @BeforeEach
    void startStack() {
        marker = UUID.randomUUID().toString();
        caller = "caller-" + UUID.randomUUID().toString().substring(0, 8);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        traceId = String.format("1-%08x-%08x%016x", System.currentTimeMillis() / 1000, random.nextInt(), random.nextLong());
        parentId = String.format("%016x", random.nextLong());
        System.setProperty(TraceHeader.PROPERTY, "Root=" + traceId + ";Parent=" + parentId + ";Sampled=1");
        captured = new ByteArrayOutputStream();
        console = System.out;
        System.setOut(new PrintStream(new Tee(console, captured), true, StandardCharsets.UTF_8));
        int daemonPort = ((InetSocketAddress) uncheckedAddress()).getPort();
        stack = new AsyncStack(backend, gemini, Map.of("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + daemonPort),
                Map.of("RETRY_BASE_DELAY_SECONDS", "0", "JOB_LEASE_SECONDS", "3"));
        drainDaemon();
    }

    @AfterEach
    void stopStack() {
        stack.close();
        PRINTED.addAll(List.of(captured.toString(StandardCharsets.UTF_8).split("\n")));
        System.setOut(console);
        System.clearProperty(TraceHeader.PROPERTY);
        gemini.reset();
    }

    // --- the paths ---

    @Test
    void aMissThenAHitOfTheSameRequest() {
        gemini.thenFor(marker, FakeGemini.costing("an answer", 11, 13, 0));
        JsonNode miss = ok(stack.post("/v1/generate", prompt("sync"), caller), 200);
        JsonNode hit = ok(stack.post("/v1/generate", prompt("sync"), caller), 200);
        ok(stack.post("/v1/generate", prompt("not kept"), caller, "Cache-Control", "no-store"), 200);

        List<JsonNode> records = requests();
        assertThat(records).hasSize(3);
        JsonNode missRecord = records.get(0);
        assertThat(missRecord.path("route").asText()).isEqualTo("POST /v1/generate");
        assertThat(missRecord.path("method").asText()).isEqualTo("POST");
        assertThat(missRecord.path("status").asInt()).isEqualTo(200);
        assertThat(missRecord.path("statusClass").asText()).isEqualTo("2xx");
        assertThat(missRecord.path("cache").asText()).isEqualTo("MISS");
        assertThat(missRecord.path("caller").asText()).isEqualTo("apikey:" + caller);
        assertThat(missRecord.path("model").asText()).isEqualTo(backend.template().function("GenerateFunction")
                .environment().get("DEFAULT_MODEL"));
        assertThat(missRecord.path("modelAnswered").asText()).isEqualTo(miss.path("model").asText());
        assertThat(missRecord.path("modelCalls").asInt()).isEqualTo(1);
        assertThat(missRecord.path("cacheMisses").asInt()).isEqualTo(1);
        assertThat(missRecord.path("inputTokens").asInt()).isEqualTo(11).isEqualTo(miss.path("usage").path("inputTokens").asInt());
        assertThat(missRecord.path("outputTokens").asInt()).isEqualTo(13).isEqualTo(miss.path("usage").path("outputTokens").asInt());
        assertThat(missRecord.path("costUsd").decimalValue())
                .isEqualByComparingTo(miss.path("usage").path("costUsd").decimalValue()).isPositive();
        assertThat(missRecord.has("modelMs")).isTrue();
        assertThat(missRecord.path("modelLatencyMs").asLong()).isEqualTo(missRecord.path("modelMs").asLong());
        assertThat(missRecord.path("latencyMs").asLong()).isGreaterThanOrEqualTo(missRecord.path("modelMs").asLong());

        JsonNode hitRecord = records.get(1);
        assertThat(hitRecord.path("cache").asText()).isEqualTo("HIT");
        assertThat(hitRecord.path("modelCalls").asInt(0)).as("a hit calls no model").isZero();
        assertThat(gemini.callCount(marker)).as("the miss and the no-store request called it; the hit did not").isEqualTo(2);
        assertThat(hitRecord.path("cacheHits").asInt()).isEqualTo(1);
        assertThat(hitRecord.has("inputTokens") || hitRecord.has("outputTokens")).as("a hit consumes no tokens").isFalse();
        assertThat(hitRecord.path("costUsd").decimalValue()).isZero();
        assertThat(hitRecord.path("savedUsd").decimalValue()).isEqualByComparingTo(missRecord.path("costUsd").decimalValue())
                .isEqualByComparingTo(hit.path("usage").path("savedUsd").decimalValue());
        assertThat(hitRecord.has("modelMs")).isFalse();
        assertThat(hitRecord.has("cacheMs")).isTrue();

        JsonNode bypass = records.get(2);
        assertThat(bypass.path("cache").asText()).isEqualTo("BYPASS");
        assertThat(bypass.path("cacheBypasses").asInt()).isEqualTo(1);
        assertThat(bypass.path("modelCalls").asInt()).isEqualTo(1);
    }

    @Test
    void badInputAndModelFailuresSayWhatWentWrong() {
        ok(stack.post("/v1/generate", "{\"prompt\": ", caller), 400);
        gemini.thenFor(marker, FakeGemini.error(400, "INVALID_ARGUMENT", "Unsupported stop sequence"));
        ok(stack.post("/v1/generate", prompt("rejected"), caller), 422);

        List<JsonNode> records = requests();
        assertThat(records).hasSize(2);
        JsonNode bad = records.get(0);
        assertThat(bad.path("status").asInt()).isEqualTo(400);
        assertThat(bad.path("statusClass").asText()).isEqualTo("4xx");
        assertThat(bad.path("problemType").asText()).isEqualTo("malformed-json");
        assertThat(bad.has("modelCalls")).isFalse();

        JsonNode rejected = records.get(1);
        assertThat(rejected.path("status").asInt()).isEqualTo(422);
        assertThat(rejected.path("problemType").asText()).isNotBlank();
        assertThat(rejected.path("errorKind").asText()).isNotBlank();
        assertThat(rejected.path("modelCalls").asInt()).isEqualTo(1);
        assertThat(rejected.path("modelErrors").asInt()).isEqualTo(1);
        assertThat(metricNames(rejected)).contains("modelErrors", "modelLatencyMs", "requests", "latencyMs");
        assertThat(dimensionSetsOf(rejected, "modelErrors")).contains(List.of("function", "errorKind"), List.of("function"));
    }

    @Test
    void aFallbackAnswerAndTheCircuitItOpenedAreCounted() {
        stack.close();
        stack = new AsyncStack(backend, gemini, Map.of("MODEL_CHAINS", "gemini-2.5-flash>gemini-2.5-flash-lite",
                "CIRCUIT_FAILURES", "1"), Map.of());
        gemini.thenFor(marker, FakeGemini.error(503, "UNAVAILABLE", "Overloaded."));
        ok(stack.post("/v1/generate", prompt("fallback"), caller), 200);
        ok(stack.post("/v1/generate", prompt("skipped"), caller), 200);

        List<JsonNode> records = requests();
        assertThat(records).hasSize(2);
        JsonNode first = records.get(0);
        assertThat(first.path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(first.path("modelAnswered").asText()).isEqualTo("gemini-2.5-flash-lite");
        assertThat(first.path("fallback").asBoolean()).isTrue();
        assertThat(first.path("modelCalls").asInt()).as("the primary's and the fallback's").isEqualTo(2);
        assertThat(first.path("fallbacks").asInt()).isEqualTo(1);
        assertThat(first.path("circuitOpens").asInt()).isEqualTo(1);
        assertThat(dimensionSetsOf(first, "fallbacks")).contains(List.of("function", "model"), List.of("function"));
        JsonNode second = records.get(1);
        assertThat(second.path("circuitSkips").asInt()).isEqualTo(1);
        assertThat(second.path("modelCalls").asInt()).isEqualTo(1);
        assertThat(second.path("fallback").asBoolean()).isTrue();
        assertThat(logLines().stream().filter(r -> r.path("message").asText().equals("a model target's circuit changed")))
                .singleElement().satisfies(change -> {
                    assertThat(change.path("target").asText()).isEqualTo("gemini:gemini-2.5-flash");
                    assertThat(change.path("to").asText()).isEqualTo("OPEN");
                    assertThat(change.path("openUntil").asText()).isNotBlank();
                });

        // A job's attempt counts its fallback too. Each worker container keeps its own circuits: with the
        // primary down, a job either opens its container's circuit or, once that is open, skips the primary.
        gemini.down("gemini-2.5-flash", FakeGemini.error(503, "UNAVAILABLE", "Overloaded."));
        List<JsonNode> opened = new ArrayList<>();
        List<JsonNode> skipped = new ArrayList<>();
        for (int job = 0; job < 12 && (skipped.isEmpty() || opened.isEmpty()); job++) {
            String id = ok(stack.post("/v1/jobs", prompt("job fallback " + job), caller), 202).path("id").asText();
            JsonNode attempt = awaitJobRecord(record -> record.path("jobId").asText().equals(id));
            assertThat(attempt.path("outcome").asText()).isEqualTo("succeeded");
            assertThat(attempt.path("modelAnswered").asText()).isEqualTo("gemini-2.5-flash-lite");
            assertThat(attempt.path("fallbacks").asInt()).isEqualTo(1);
            assertThat(attempt.path("circuitOpens").asInt() + attempt.path("circuitSkips").asInt()).isEqualTo(1);
            (attempt.path("circuitSkips").asInt() == 1 ? skipped : opened).add(attempt);
        }
        assertThat(skipped).as("a job's attempt skipped the open primary").isNotEmpty();
        assertThat(opened).as("a job's attempt opened the primary's circuit").isNotEmpty();
    }

    @Test
    void aCallbackDeliveryIsRecorded() {
        stack.close();
        Map<String, String> receiverAllowed = Map.of("WEBHOOK_ALLOW_HTTP", "true", "WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1/32");
        Map<String, String> webhookEnv = new java.util.HashMap<>(backend.environment("WebhookFunction", Map.of()));
        webhookEnv.putAll(receiverAllowed);
        stack = new AsyncStack(backend, gemini, receiverAllowed, Map.of())
                .withWebhooks(new dev.genapi.webhook.WebhookHandler(new dev.genapi.core.config.Env(webhookEnv)));
        try (FakeReceiver receiver = FakeReceiver.start()) {
            receiver.answering(new FakeReceiver.Answer(503, Map.of()));
            String id = ok(stack.post("/v1/jobs", "{\"prompt\": \"hooked " + marker + "\", \"callbackUrl\": \""
                    + receiver.url("/hook") + "\"}", caller), 202).path("id").asText();
            receiver.await("/hook", 2, WAIT);
            List<JsonNode> deliveries = awaitRecords("webhook", 2, record -> record.path("jobId").asText().equals(id));
            assertThat(deliveries).extracting(r -> r.path("outcome").asText()).containsExactly("retrying", "delivered");
            assertThat(deliveries).extracting(r -> r.path("status").asInt()).containsExactly(503, 200);
            assertThat(deliveries).allSatisfy(r -> {
                assertThat(r.path("webhookDeliveries").asInt()).isEqualTo(1);
                assertThat(r.path("round").asInt()).isEqualTo(1);
                assertThat(r.path("function").asText()).isEqualTo(FUNCTIONS.get("WebhookFunction"));
                assertThat(r.toString()).as("the receiver's address is the caller's business").doesNotContain("/hook");
            });
        }
    }

    @Test
    void aJobIsSubmittedRunAndRead() {
        gemini.thenFor(marker, FakeGemini.costing("a job's answer", 17, 19, 0));
        JsonNode accepted = ok(stack.post("/v1/jobs", prompt("async"), caller), 202);
        String id = accepted.path("id").asText();
        JsonNode done = stack.awaitJobStatus(id, caller, "SUCCEEDED", WAIT);

        JsonNode submit = requests().get(0);
        assertThat(submit.path("status").asInt()).isEqualTo(202);
        assertThat(submit.path("jobId").asText()).isEqualTo(id);
        JsonNode attempt = awaitJobRecord(record -> record.path("jobId").asText().equals(id));
        assertThat(attempt.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(attempt.path("attempt").asInt()).isEqualTo(1);
        assertThat(attempt.path("deliveries").asInt()).isEqualTo(1);
        assertThat(attempt.path("jobsSucceeded").asInt()).isEqualTo(1);
        assertThat(attempt.path("attemptsPerJob").asInt()).isEqualTo(1);
        assertThat(attempt.path("queueWaitMs").asLong()).isNotNegative();
        assertThat(attempt.path("runMs").asLong()).isNotNegative();
        assertThat(attempt.path("caller").asText()).isEqualTo("apikey:" + caller);
        assertThat(attempt.path("submitTraceId").asText()).as("the submit's trace, passed on by SQS").isEqualTo(traceId);
        JsonNode usage = done.path("result").path("usage");
        assertThat(attempt.path("inputTokens").asInt()).isEqualTo(17).isEqualTo(usage.path("inputTokens").asInt());
        assertThat(attempt.path("outputTokens").asInt()).isEqualTo(19).isEqualTo(usage.path("outputTokens").asInt());
        assertThat(attempt.path("costUsd").decimalValue()).isEqualByComparingTo(usage.path("costUsd").decimalValue());

        JsonNode status = requests().stream().filter(r -> r.path("method").asText().equals("GET")).findFirst().orElseThrow();
        assertThat(status.path("route").asText()).isEqualTo("GET /v1/jobs/{id}");
        assertThat(status.path("jobId").asText()).isEqualTo(id);
    }

    @Test
    void aBatchRecordsItsSizeAndEachJobItsBatch() {
        gemini.thenFor(marker, FakeGemini.text("one"), FakeGemini.text("two"), FakeGemini.text("three"));
        String entries = Arrays.stream(new String[] {"a", "b", "c"})
                .map(id -> "{\"customId\": \"" + id + "\", \"prompt\": \"batch " + id + " " + marker + "\"}")
                .collect(Collectors.joining(", "));
        JsonNode accepted = ok(stack.post("/v1/batches", "{\"requests\": [" + entries + "]}", caller), 202);
        String batchId = accepted.path("id").asText();

        JsonNode submit = requests().get(0);
        assertThat(submit.path("batchId").asText()).isEqualTo(batchId);
        assertThat(submit.path("batchSize").asInt()).isEqualTo(3);
        List<JsonNode> jobs = awaitJobRecords(3, record -> record.path("batchId").asText().equals(batchId)
                && record.path("outcome").asText().equals("succeeded"));
        assertThat(jobs).extracting(job -> job.path("jobId").asText()).doesNotHaveDuplicates();
        assertThat(jobs.stream().mapToInt(job -> job.path("inputTokens").asInt()).sum()).isEqualTo(3 * 7);

        ok(stack.get("/v1/batches/{id}", batchId, caller, Map.of()), 200);
        ok(stack.get("/v1/usage", "", caller, Map.of()), 200);
        List<JsonNode> reads = requests().stream().filter(r -> r.path("method").asText().equals("GET")).toList();
        assertThat(reads).extracting(r -> r.path("route").asText()).containsExactly("GET /v1/batches/{id}", "GET /v1/usage");
        assertThat(reads.get(0).path("batchId").asText()).isEqualTo(batchId);
    }

    @Test
    void aRetriedThenFailedJobAndAPermanentFailure() {
        gemini.thenFor(marker, FakeGemini.error(500, "INTERNAL", "down"), FakeGemini.error(500, "INTERNAL", "down"),
                FakeGemini.error(500, "INTERNAL", "down"), FakeGemini.text("recovered"));
        String retried = ok(stack.post("/v1/jobs", prompt("flaky"), caller), 202).path("id").asText();
        stack.awaitJobStatus(retried, caller, "SUCCEEDED", WAIT);
        JsonNode succeeded = awaitJobRecord(r -> r.path("jobId").asText().equals(retried)
                && r.path("outcome").asText().equals("succeeded"));
        List<JsonNode> retries = records().stream().filter(r -> r.path("jobId").asText().equals(retried)
                && r.path("outcome").asText().equals("retried")).toList();
        assertThat(retries).isNotEmpty().allSatisfy(retry -> {
            assertThat(retry.path("errorCode").asText()).isEqualTo("model-error");
            assertThat(retry.path("modelErrors").asInt()).isEqualTo(1);
            assertThat(retry.has("jobsFailed") || retry.has("jobsSucceeded")).as("a retry ends no job").isFalse();
        });
        assertThat(retries.get(0).path("attempt").asInt()).isEqualTo(1);
        assertThat(succeeded.path("attempt").asInt()).isEqualTo(retries.size() + 1);
        assertThat(succeeded.path("attemptsPerJob").asInt()).isEqualTo(retries.size() + 1);

        gemini.thenFor(marker, FakeGemini.error(400, "INVALID_ARGUMENT", "Unsupported stop sequence"));
        String rejected = ok(stack.post("/v1/jobs", prompt("rejected"), caller), 202).path("id").asText();
        stack.awaitJobStatus(rejected, caller, "FAILED", WAIT);
        JsonNode failed = awaitJobRecord(r -> r.path("jobId").asText().equals(rejected) && r.has("outcome"));
        assertThat(failed.path("outcome").asText()).isEqualTo("failed");
        assertThat(failed.path("jobsFailed").asInt()).isEqualTo(1);
        assertThat(failed.path("errorCode").asText()).isNotBlank();
    }

    @Test
    void aJobOutOfDeliveriesIsDeadLetteredAndAMalformedMessageIsSaidToBe() {
        int maxReceiveCount = Integer.parseInt(backend.template().parameter("MaxReceiveCount"));
        for (int i = 0; i < maxReceiveCount; i++) {
            gemini.thenFor(marker, FakeGemini.error(500, "INTERNAL", "down"));
        }
        String id = ok(stack.post("/v1/jobs", prompt("doomed"), caller), 202).path("id").asText();
        stack.awaitJob(id, caller, job -> job.path("deadLettered").asBoolean(), WAIT);
        JsonNode last = awaitJobRecord(r -> r.path("jobId").asText().equals(id)
                && r.path("outcome").asText().equals("deadLettered"));
        assertThat(last.path("attempt").asInt()).isEqualTo(maxReceiveCount);
        assertThat(last.path("jobsDeadLettered").asInt()).isEqualTo(1);
        assertThat(last.path("attemptsPerJob").asInt()).isEqualTo(maxReceiveCount);
        assertThat(dimensionSetsOf(last, "deliveries")).contains(List.of("function", "outcome"));

        // The same request answered since, then a redrive: the job is served from the cache.
        awaitDeadLetter(id);
        ok(stack.post("/v1/generate", prompt("doomed"), caller), 200);
        Redrive.run(backend.sqs(), backend.template());
        JsonNode served = awaitJobRecord(r -> r.path("jobId").asText().equals(id)
                && r.path("outcome").asText().equals("succeeded"));
        assertThat(served.path("cache").asText()).isEqualTo("HIT");
        assertThat(served.path("cacheHits").asInt()).isEqualTo(1);
        assertThat(served.path("modelCalls").asInt(0)).isZero();
        assertThat(served.path("savedUsd").decimalValue()).isPositive();

        // A producer's message, without a caller: no cache.
        backend.sqs().sendMessage(r -> r.queueUrl(backend.queueUrl("JobsQueue"))
                .messageBody("{\"request\": " + prompt("producer") + "}"));
        JsonNode producer = awaitJobRecord(r -> r.path("outcome").asText().equals("succeeded") && !r.has("caller"));
        assertThat(producer.path("cache").asText()).isEqualTo("BYPASS");
        assertThat(producer.path("cacheBypasses").asInt()).isEqualTo(1);

        backend.sqs().sendMessage(r -> r.queueUrl(backend.queueUrl("JobsQueue")).messageBody("{\"request\": 42}"));
        JsonNode malformed = awaitJobRecord(r -> r.path("outcome").asText().equals("malformed"));
        assertThat(malformed.has("jobId")).isFalse();
        assertThat(malformed.path("messageId").asText()).isNotBlank();
    }

    @Test
    void aTracedMissSendsSubsegmentsForDynamoDbAndTheModel() throws IOException {
        gemini.thenFor(marker, FakeGemini.text("traced"));
        ok(stack.post("/v1/generate", prompt("traced"), caller), 200);
        ok(stack.post("/v1/jobs", prompt("traced job"), caller), 202);

        assertThat(requests()).allSatisfy(record -> assertThat(record.path("traceId").asText()).isEqualTo(traceId));
        List<JsonNode> subsegments = subsegments();
        assertThat(subsegments).allSatisfy(subsegment -> {
            assertThat(subsegment.path("trace_id").asText()).isEqualTo(traceId);
            assertThat(subsegment.path("parent_id").asText()).isEqualTo(parentId);
            assertThat(subsegment.path("type").asText()).isEqualTo("subsegment");
            assertThat(subsegment.toString()).doesNotContain(marker);
        });
        assertThat(subsegments).anySatisfy(s -> {
            assertThat(s.path("name").asText()).isEqualTo("DynamoDb");
            assertThat(s.path("aws").path("operation").asText()).isEqualTo("GetItem");
            assertThat(s.path("aws").path("table_name").asText()).isEqualTo(backend.tableName("ResponseCacheTable"));
        });
        assertThat(subsegments).anySatisfy(s -> {
            assertThat(s.path("name").asText()).isEqualTo("Gemini");
            assertThat(s.path("namespace").asText()).isEqualTo("remote");
            assertThat(s.path("http").path("response").path("status").asInt()).isEqualTo(200);
            assertThat(s.path("http").path("request").path("url").asText()).contains("generateContent");
        });
        assertThat(subsegments).anySatisfy(s -> {
            assertThat(s.path("name").asText()).isEqualTo("Sqs");
            assertThat(s.path("aws").path("operation").asText()).isEqualTo("SendMessage");
        });
    }

    /** The dashboard and the alarms name only metrics (and dimension values) that the paths above emitted. */
    @Test
    @Order(Integer.MAX_VALUE)
    void theDashboardAndAlarmsNameOnlyMetricsTheFunctionsEmit() {
        List<JsonNode> emitted = printed().stream().filter(line -> line.has("_aws")).toList();
        assertThat(emitted).as("the paths ran first").isNotEmpty();
        for (TemplateMetrics.Reference reference : TemplateMetrics.of(backend.template())) {
            if (reference.namespace().equals(Metric.NAMESPACE)) {
                assertThat(emitted.stream().anyMatch(record -> emits(record, reference)))
                        .as(reference.where() + " names " + reference.name() + " " + reference.dimensions()
                                + (reference.search() ? " (SEARCH)" : "") + ", which no record carries").isTrue();
            }
        }
    }

    /** The saved Logs Insights queries name only fields the records and log lines have. */
    @Test
    @Order(Integer.MAX_VALUE)
    void theSavedQueriesNameOnlyFieldsTheRecordsHave() {
        Set<String> fields = new HashSet<>();
        printed().forEach(line -> line.fieldNames().forEachRemaining(fields::add));
        assertThat(fields).as("the paths ran first").contains("record", "message");
        SamTemplate template = backend.template();
        for (String id : template.resourcesOfType("AWS::Logs::QueryDefinition").keySet()) {
            String query = String.valueOf(template.properties(id).get("QueryString"));
            assertThat(InsightsQueries.fieldsNamed(query)).as(id).isNotEmpty().isSubsetOf(fields);
        }
    }

    /** Whether the record's EMF block publishes the metric under the reference's dimensions and values. */
    static boolean emits(JsonNode record, TemplateMetrics.Reference reference) {
        for (JsonNode directive : record.path("_aws").path("CloudWatchMetrics")) {
            if (!directive.path("Metrics").findValuesAsText("Name").contains(reference.name())) {
                continue;
            }
            for (JsonNode set : directive.path("Dimensions")) {
                Set<String> keys = new HashSet<>();
                set.forEach(key -> keys.add(key.asText()));
                if (keys.equals(reference.dimensions().keySet()) && reference.dimensions().entrySet().stream()
                        .allMatch(d -> d.getValue().isEmpty() || record.path(d.getKey()).asText().equals(d.getValue()))) {
                    return true;
                }
            }
        }
        return false;
    }

    static List<JsonNode> printed() {
        return jsonLines(PRINTED);
    }

    /** The lines that are JSON (records and log lines), parsed; other components' output is left out. */
    static List<JsonNode> jsonLines(List<String> printed) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : printed) {
            if (line.startsWith("{")) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException notJson) {
                    // another component's output
                }
            }
        }
        return lines;
    }

    void awaitDeadLetter(String jobId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            boolean there = backend.sqs().receiveMessage(r -> r.queueUrl(backend.queueUrl("JobsDeadLetterQueue"))
                    .maxNumberOfMessages(10).visibilityTimeout(0).waitTimeSeconds(1)).messages().stream()
                    .anyMatch(m -> m.body().contains(jobId));
            if (there) {
                return;
            }
        }
        throw new AssertionError(jobId + "'s message did not reach the dead-letter queue");
    }

    // --- reading and checking the records ---

    String prompt(String text) {
        return "{\"prompt\": \"" + text + " " + marker + "\"}";
    }

    static JsonNode ok(APIGatewayProxyResponseEvent response, int status) {
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
        return body(response);
    }

    /** Every JSON line printed in this test: records and log lines. */
    List<JsonNode> logLines() {
        return jsonLines(List.of(captured.toString(StandardCharsets.UTF_8).split("\n")));
    }

    /** Every record printed so far, each checked: JSON, its fields, its EMF block, and no prompt text. */
    List<JsonNode> records() {
        List<JsonNode> records = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"record\":")) {
                JsonNode record;
                try {
                    record = JSON.readTree(line);
                } catch (IOException e) {
                    throw new AssertionError("a record is not JSON: " + line, e);
                }
                assertThat(line).as("no prompt or answer text").doesNotContain(marker);
                checkRecord(record);
                records.add(record);
            }
        }
        return records;
    }

    List<JsonNode> requests() {
        return records().stream().filter(r -> r.path("record").asText().equals("request")).toList();
    }

    JsonNode awaitJobRecord(Predicate<JsonNode> which) {
        return awaitJobRecords(1, which).get(0);
    }

    List<JsonNode> awaitJobRecords(int count, Predicate<JsonNode> which) {
        return awaitRecords("job", count, which);
    }

    List<JsonNode> awaitRecords(String kind, int count, Predicate<JsonNode> which) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> found = List.of();
        while (System.nanoTime() < deadline) {
            found = records().stream().filter(r -> r.path("record").asText().equals(kind)).filter(which).toList();
            if (found.size() >= count) {
                return found;
            }
            AsyncStack.sleep(Duration.ofMillis(100));
        }
        throw new AssertionError("expected " + count + " " + kind + " records, found " + found);
    }

    /** The fields every record has, and those of its kind. */
    void checkRecord(JsonNode record) {
        assertThat(Instant.parse(record.path("timestamp").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(record.path("level").asText()).isEqualTo("INFO");
        assertThat(record.path("record").asText()).isIn("request", "job", "webhook");
        assertThat(record.path("function").asText()).isIn(FUNCTIONS.values());
        assertThat(record.path("requestId").asText()).isNotBlank();
        assertThat(record.path("coldStart").isBoolean()).as("coldStart: " + record).isTrue();
        assertThat(record.path("traceId").asText()).matches("1-[0-9a-f]{8}-[0-9a-f]{24}");
        if (record.path("record").asText().equals("request")) {
            for (String field : new String[] {"apiRequestId", "route", "method", "statusClass"}) {
                assertThat(record.path(field).asText()).as(field + " in " + record).isNotBlank();
            }
            assertThat(record.path("status").isInt()).isTrue();
            assertThat(record.path("latencyMs").isIntegralNumber()).isTrue();
            if (record.path("status").asInt() >= 400) {
                assertThat(record.path("problemType").asText()).as("a refusal names its problem: " + record).isNotBlank();
            }
        } else if (record.path("record").asText().equals("webhook")) {
            assertThat(record.path("messageId").asText()).isNotBlank();
            assertThat(record.path("outcome").asText()).as("outcome in " + record)
                    .isIn("delivered", "retrying", "failed", "refused", "deadLettered", "duplicate", "gone",
                            "indexLag", "malformed", "awsFailed");
            assertThat(record.path("webhookDeliveries").asInt()).isEqualTo(1);
        } else {
            assertThat(record.path("messageId").asText()).isNotBlank();
            assertThat(record.path("outcome").asText()).as("outcome in " + record)
                    .isIn("succeeded", "failed", "deadLettered", "retried", "busy", "duplicate", "malformed",
                            "adopted", "awsFailed", "crashed", "twinRunning");
        }
        if (record.has("cache")) {
            assertThat(record.path("cache").asText()).isIn("HIT", "MISS", "BYPASS");
            assertThat(record.path("model").asText()).isNotBlank();
            assertThat(record.path("cacheMs").isIntegralNumber()).isTrue();
        }
        checkEmf(record);
    }

    /**
     * The Embedded Metric Format specification: {@code _aws.Timestamp} in epoch milliseconds, directives with
     * a namespace, dimension sets of at most 30 dimensions that name string members of the record, and metric
     * definitions that name numeric members with a CloudWatch unit. And genapi's own rule: only the metrics
     * {@link Metric} lists, with their units and dimension sets.
     */
    static void checkEmf(JsonNode record) {
        assertThat(record.has("_aws")).as("every record carries metrics: " + record).isTrue();
        JsonNode aws = record.path("_aws");
        assertThat(aws.path("Timestamp").isIntegralNumber()).isTrue();
        assertThat(Instant.ofEpochMilli(aws.path("Timestamp").asLong()))
                .isBetween(Instant.now().minus(Duration.ofHours(1)), Instant.now());
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertThat(directives.isArray() && !directives.isEmpty()).isTrue();
        Set<String> declared = new HashSet<>();
        for (JsonNode directive : directives) {
            assertThat(directive.path("Namespace").asText()).isEqualTo(Metric.NAMESPACE);
            JsonNode sets = directive.path("Dimensions");
            assertThat(sets.isArray()).isTrue();
            List<List<String>> dimensionSets = new ArrayList<>();
            for (JsonNode set : sets) {
                assertThat(set.isArray() && set.size() >= 1 && set.size() <= 30).as("a dimension set: " + set).isTrue();
                List<String> names = new ArrayList<>();
                for (JsonNode dimension : set) {
                    assertThat(record.path(dimension.asText()).isTextual())
                            .as("dimension " + dimension + " is a string member of " + record).isTrue();
                    assertThat(dimension.asText()).isNotEqualTo("caller");
                    names.add(dimension.asText());
                }
                dimensionSets.add(names);
            }
            JsonNode metrics = directive.path("Metrics");
            assertThat(metrics.isArray() && !metrics.isEmpty() && metrics.size() <= 100).isTrue();
            for (JsonNode definition : metrics) {
                String name = definition.path("Name").asText();
                assertThat(record.path(name).isNumber()).as("metric " + name + " is a number in " + record).isTrue();
                assertThat(definition.path("Unit").asText()).isIn(UNITS);
                Metric metric = Arrays.stream(Metric.values()).filter(m -> m.metricName().equals(name)).findFirst()
                        .orElseThrow(() -> new AssertionError("not a metric genapi declares: " + name));
                assertThat(definition.path("Unit").asText()).isEqualTo(metric.unit());
                assertThat(metric.dimensionSets()).containsAll(dimensionSets);
                assertThat(declared.add(name)).as("declared once: " + name).isTrue();
            }
        }
    }

    static Set<String> metricNames(JsonNode record) {
        return record.path("_aws").path("CloudWatchMetrics").findValues("Metrics").stream()
                .flatMap(metrics -> metrics.findValuesAsText("Name").stream()).collect(Collectors.toSet());
    }

    static List<List<String>> dimensionSetsOf(JsonNode record, String metric) {
        for (JsonNode directive : record.path("_aws").path("CloudWatchMetrics")) {
            if (directive.path("Metrics").findValuesAsText("Name").contains(metric)) {
                List<List<String>> sets = new ArrayList<>();
                directive.path("Dimensions").forEach(set -> {
                    List<String> names = new ArrayList<>();
                    set.forEach(name -> names.add(name.asText()));
                    sets.add(names);
                });
                return sets;
            }
        }
        throw new AssertionError(metric + " is not in " + record);
    }

    /** The subsegments the local daemon received, once the calls have ended. */
    List<JsonNode> subsegments() throws IOException {
        List<JsonNode> subsegments = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        long quiet = System.currentTimeMillis() + 500;
        while (System.currentTimeMillis() < quiet) {
            buffer.clear();
            if (daemon.receive(buffer) == null) {
                AsyncStack.sleep(Duration.ofMillis(10));
                continue;
            }
            String packet = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            assertThat(packet).startsWith("{\"format\": \"json\", \"version\": 1}\n");
            subsegments.add(JSON.readTree(packet.substring(packet.indexOf('\n') + 1)));
            quiet = System.currentTimeMillis() + 500;
        }
        return subsegments;
    }

    private static void drainDaemon() {
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        try {
            while (daemon.receive(buffer) != null) {
                buffer.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.net.SocketAddress uncheckedAddress() {
        try {
            return daemon.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
