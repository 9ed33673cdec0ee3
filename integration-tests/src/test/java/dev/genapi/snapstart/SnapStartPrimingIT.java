package dev.genapi.snapstart;

import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.authorizer.JwtAuthorizerHandler;
import dev.genapi.core.config.Env;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.random.Entropy;
import dev.genapi.core.snapstart.SnapStartHooks;
import dev.genapi.generate.GenerateHandler;
import dev.genapi.status.StatusHandler;
import dev.genapi.testing.ApiEvents;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.worker.WorkerHandler;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SnapStart's hooks, called as Lambda calls them, on the emulators and the Gemini fake: priming (before the
 * snapshot) calls no model, writes no item, queues no message and prints no record or log line, and after a
 * restore, containers resumed from one snapshot still make different ids.
 */
@ExtendWith(AwsEmulators.class)
class SnapStartPrimingIT {

    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static AwsBackend backend;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
    }

    @AfterEach
    void freshEntropy() {
        Entropy.renew();
    }

    Env env(String function) {
        Map<String, String> env = backend.environment(function, gemini);
        if (function.equals("JwtAuthorizerFunction")) {
            env.put("JWT_ISSUER", "https://issuer.example.com");
            env.put("JWT_AUDIENCE", "genapi");
            env.put("JWKS_URL", "http://127.0.0.1:9/jwks.json"); // nothing listens: priming must not fetch it
        }
        return new Env(env);
    }

    /** Every item of every table of the template, and every queue's message counts. */
    Map<String, Object> everythingStored() {
        Map<String, Object> state = new TreeMap<>();
        for (String table : backend.template().resourcesOfType("AWS::DynamoDB::Table").keySet()) {
            List<Map<String, AttributeValue>> items = new ArrayList<>();
            backend.dynamoDb().scanPaginator(r -> r.tableName(backend.tableName(table))).items().forEach(items::add);
            state.put(table, items.stream().map(Object::toString).sorted().toList());
        }
        for (String queue : backend.template().resourcesOfType("AWS::SQS::Queue").keySet()) {
            state.put(queue, backend.sqs().getQueueAttributes(r -> r.queueUrl(backend.queueUrl(queue))
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().toString());
        }
        return state;
    }

    /** What the hook printed: records, logs, or the warning of a priming that failed. */
    static String printedBy(Runnable hook) {
        PrintStream console = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            hook.run();
        } finally {
            System.setOut(console);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void primingEveryFunctionCallsNoModelWritesNothingAndPrintsNothing() {
        // Something stored already, so that "nothing changed" is about real items.
        var generate = new GenerateHandler(env("GenerateFunction"));
        assertThat(new ApiFunction(generate).handleRequest(post("/v1/jobs", "{\"prompt\": \"stored\"}", "before"), null)
                .getStatusCode()).isEqualTo(202);
        int modelCalls = gemini.callCount();
        Map<String, Object> before = everythingStored();

        List<SnapStartHooks> hooks = List.of(generate.snapStart(), new StatusHandler(env("StatusFunction")).snapStart(),
                new WorkerHandler(env("WorkerFunction")).snapStart(),
                new dev.genapi.webhook.WebhookHandler(env("WebhookFunction")).snapStart(),
                new JwtAuthorizerHandler(env("JwtAuthorizerFunction")).snapStart());
        for (SnapStartHooks hook : hooks) {
            assertThat(printedBy(() -> hook.beforeCheckpoint(null))).as("no record, no log, no priming failure").isEmpty();
        }

        assertThat(gemini.callCount()).as("calls to the model").isEqualTo(modelCalls);
        assertThat(everythingStored()).isEqualTo(before);
    }

    @Test
    void primingLeavesTheFirstRealRequestItsColdStart() {
        var handler = new GenerateHandler(env("GenerateFunction"));
        printedBy(() -> handler.snapStart().beforeCheckpoint(null));
        handler.snapStart().afterRestore(null);
        gemini.then(FakeGemini.text("after the restore"));
        String printed = printedBy(() -> assertThat(new ApiFunction(handler)
                .handleRequest(post("/v1/generate", "{\"prompt\": \"first after restore\"}", "restored"), null)
                .getStatusCode()).isEqualTo(200));
        assertThat(printed).contains("\"record\":\"request\"").contains("\"coldStart\":true");
    }

    @Test
    void containersRestoredFromOneSnapshotMakeDifferentIds() {
        // What a snapshot does to a random source: every container resumes with the same state.
        Entropy.captureForTest(new Random(42));
        String first = Ids.newJobId();
        Entropy.captureForTest(new Random(42));
        assertThat(Ids.newJobId()).as("without the restore hook, ids repeat").isEqualTo(first);

        List<String> jobIds = new ArrayList<>();
        for (int container = 0; container < 2; container++) {
            var handler = new GenerateHandler(env("GenerateFunction"));
            printedBy(() -> handler.snapStart().beforeCheckpoint(null));
            Entropy.captureForTest(new Random(42)); // the state the snapshot holds
            handler.snapStart().afterRestore(null);
            var response = new ApiFunction(handler).handleRequest(post("/v1/jobs", "{\"prompt\": \"ids\"}", "ids"), null);
            assertThat(response.getStatusCode()).isEqualTo(202);
            jobIds.add(ApiEvents.body(response).path("id").asText());
        }
        assertThat(jobIds).allSatisfy(id -> assertThat(Ids.isJobId(id)).isTrue()).doesNotHaveDuplicates();
    }
}
