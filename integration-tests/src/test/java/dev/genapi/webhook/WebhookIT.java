package dev.genapi.webhook;

import static dev.genapi.testing.ApiEvents.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.Usage;
import dev.genapi.core.jobs.JobAttempts;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.webhooks.Callback;
import dev.genapi.core.webhooks.WebhookSecrets;
import dev.genapi.core.webhooks.WebhookSignature;
import dev.genapi.local.LocalEnvironment;
import dev.genapi.testing.AsyncStack;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.FakeReceiver;
import dev.genapi.testing.FakeReceiver.Received;
import dev.genapi.testing.Repository;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Completion webhooks at the wire, on the local emulators: the real submit, worker and webhook
 * functions as template.yaml wires them, POSTing to a receiver on loopback. Only the tests that deliver
 * allow that receiver, explicitly (http, and 127.0.0.1/32); the others run with the deployed rules.
 */
@ExtendWith(AwsEmulators.class)
class WebhookIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    /** What the test configuration allows that a deployment does not: http, and this machine's loopback. */
    static final Map<String, String> LOCAL_RECEIVER_ALLOWED = Map.of("WEBHOOK_ALLOW_HTTP", "true",
            "WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1/32");

    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static AwsBackend backend;

    FakeReceiver receiver;
    AsyncStack stack;
    String caller;
    String marker;

    @BeforeAll
    static void backend(AwsBackend emulators) {
        backend = emulators;
    }

    @BeforeEach
    void start() {
        receiver = FakeReceiver.start();
        marker = UUID.randomUUID().toString();
        caller = "hooked-" + marker;
    }

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
        receiver.close();
        gemini.reset();
    }

    /** The async stack and the webhook function, under {@code rules} (empty: as deployed), names resolved by {@code dns}. */
    AsyncStack stack(Map<String, String> rules, WebhookPoster.Resolver dns) {
        Map<String, String> env = new HashMap<>(backend.environment("WebhookFunction", Map.of()));
        env.putAll(rules);
        env.put("WEBHOOK_RETRY_BASE_DELAY_SECONDS", "0"); // retries at once, so the test need not wait out backoff
        stack = new AsyncStack(backend, gemini, rules, Map.of("RETRY_BASE_DELAY_SECONDS", "0"))
                .withWebhooks(new WebhookHandler(new Env(env), dns, Clock.systemUTC()));
        return stack;
    }

    AsyncStack stack(Map<String, String> rules) {
        return stack(rules, InetAddress::getAllByName);
    }

    String submitJob(String callbackUrl) {
        APIGatewayProxyResponseEvent accepted = stack.post("/v1/jobs", "{\"prompt\": \"hook " + marker
                + "\", \"callbackUrl\": \"" + callbackUrl + "\"}", caller);
        assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(202);
        return body(accepted).path("id").asText();
    }

    String secret() {
        return new WebhookSecrets(LocalEnvironment.LOCAL_WEBHOOK_SECRET).forScope(Optional.of("apikey:" + caller));
    }

    @Test
    void aFinishedJobsStatusIsPostedOnceAndSignedWithTheCallersOwnSecret() throws Exception {
        stack(LOCAL_RECEIVER_ALLOWED);
        String id = submitJob(receiver.url("/hooks/genapi?tenant=1"));

        Received delivery = receiver.await("/hooks/genapi?tenant=1", 1, WAIT).get(0);
        JsonNode document = Json.MAPPER.readTree(delivery.body());
        assertThat(document.path("id").asText()).isEqualTo(id);
        assertThat(document.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(document.path("result").path("output").asText()).startsWith("Fake Gemini answer");
        assertThat(document.has("callback")).as("the delivery's own state means nothing to the receiver").isFalse();
        assertThat(delivery.header("Content-Type")).isEqualTo("application/json");
        assertThat(delivery.header(WebhookSignature.ID_HEADER)).isEqualTo(id + ".1");
        long timestamp = Long.parseLong(delivery.header(WebhookSignature.TIMESTAMP_HEADER));
        assertThat(timestamp).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(30L));
        assertThat(WebhookSignature.verify(secret(), delivery.header(WebhookSignature.SIGNATURE_HEADER), timestamp,
                delivery.body(), System.currentTimeMillis() / 1000)).isTrue();

        APIGatewayProxyResponseEvent own = stack.get("/v1/webhooks/secret", "", caller, Map.of());
        assertThat(own.getStatusCode()).as(own.getBody()).isEqualTo(200);
        assertThat(own.getHeaders()).containsEntry("Cache-Control", "no-store");
        assertThat(body(own).path("secret").asText()).as("the caller's secret, from the API").isEqualTo(secret())
                .startsWith("whsec_");

        JsonNode callback = stack.awaitJob(id, caller, job -> job.path("callback").path("state").asText().equals("delivered"),
                WAIT).path("callback");
        assertThat(callback.path("url").asText()).isEqualTo(receiver.url("/hooks/genapi?tenant=1"));
        assertThat(callback.path("attempts").asInt()).isEqualTo(1);
        assertThat(callback.path("lastStatus").asInt()).isEqualTo(200);
        assertThat(callback.has("deliveredAt")).isTrue();
        AsyncStack.sleep(Duration.ofSeconds(1));
        assertThat(receiver.received()).as("delivered once").hasSize(1);
    }

    /** Needs Node.js (.ci/run installs it): the snippet is JavaScript, run exactly as the README prints it. */
    @Test
    void theReadmesReceiverSnippetVerifiesADeliveryAndRefusesForgeriesAndReplays() throws Exception {
        Assumptions.assumeTrue(ReadmeWebhookSnippet.nodeAvailable(), "Node.js is not installed (.ci/run installs it)");
        stack(LOCAL_RECEIVER_ALLOWED);
        submitJob(receiver.url("/snippet"));
        Received delivery = receiver.await("/snippet", 1, WAIT).get(0);

        ReadmeWebhookSnippet snippet = ReadmeWebhookSnippet.fromReadme();
        assertThat(snippet.verify(secret(), delivery.headers(), delivery.body())).as("the delivery as received").isTrue();
        assertThat(snippet.verify(new WebhookSecrets(LocalEnvironment.LOCAL_WEBHOOK_SECRET)
                .forScope(Optional.of("apikey:someone-else")), delivery.headers(), delivery.body()))
                .as("another caller's secret").isFalse();
        byte[] tampered = delivery.bodyText().replace("SUCCEEDED", "FAILED").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(snippet.verify(secret(), delivery.headers(), tampered)).as("a changed body").isFalse();
        long old = System.currentTimeMillis() / 1000 - 600;
        Map<String, String> replayed = new HashMap<>(delivery.headers());
        replayed.put("genapi-timestamp", Long.toString(old));
        replayed.put("genapi-signature", WebhookSignature.sign(secret(), old, delivery.body()));
        assertThat(snippet.verify(secret(), replayed, delivery.body())).as("a correctly signed but old delivery").isFalse();
    }

    @Test
    void aReceiverFailingThreeTimesThenSucceedingGetsTheSameDeliveryAndTheJobShowsEachAttempt() {
        receiver.answering(new FakeReceiver.Answer(503, Map.of()), new FakeReceiver.Answer(500, Map.of()),
                new FakeReceiver.Answer(429, Map.of("Retry-After", "1")));
        stack(LOCAL_RECEIVER_ALLOWED);
        String id = submitJob(receiver.url("/flaky"));

        List<Received> attempts = receiver.await("/flaky", 4, WAIT);
        assertThat(attempts).extracting(r -> r.header(WebhookSignature.ID_HEADER)).containsOnly(id + ".1");
        assertThat(attempts).extracting(Received::bodyText).containsOnly(attempts.get(0).bodyText());
        JsonNode callback = stack.awaitJob(id, caller, job -> job.path("callback").path("state").asText().equals("delivered"),
                WAIT).path("callback");
        assertThat(callback.path("attempts").asInt()).isEqualTo(4);
        assertThat(callback.path("lastStatus").asInt()).isEqualTo(200);
        assertThat(callback.has("lastError")).isFalse();
        AsyncStack.sleep(Duration.ofSeconds(1));
        assertThat(receiver.receivedAt("/flaky")).hasSize(4);
    }

    @Test
    void loopbackPrivateMetadataAndPlainHttpTargetsAreRefusedAtSubmitAsDeployed() {
        stack(Map.of());
        for (String target : List.of("https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://192.168.0.10/hook",
                "https://172.16.5.4/hook", "https://169.254.169.254/latest/meta-data/", "https://[::1]/hook",
                "https://[fd00:ec2::254]/", "https://[::ffff:127.0.0.1]/", "https://100.64.0.1/", "https://0.0.0.0/",
                "https://2130706433/", "https://localhost/hook", "http://example.com/hook", "ftp://example.com/",
                "https://user:pass@example.com/", "/relative")) {
            APIGatewayProxyResponseEvent refused = stack.post("/v1/jobs", "{\"prompt\": \"x\", \"callbackUrl\": \""
                    + target + "\"}", caller);
            assertThat(refused.getStatusCode()).as(target + ": " + refused.getBody()).isEqualTo(400);
            assertThat(body(refused).path("errors").get(0).path("field").asText()).as(target).isEqualTo("callbackUrl");
        }
        APIGatewayProxyResponseEvent batch = stack.post("/v1/batches", "{\"requests\": [{\"prompt\": \"x\"}], "
                + "\"callbackUrl\": \"https://169.254.169.254/\"}", caller);
        assertThat(batch.getStatusCode()).as(batch.getBody()).isEqualTo(400);
    }

    @Test
    void aNameThatResolvesToLoopbackOrMetadataWhenDeliveredIsRefusedAtConnectTime() throws Exception {
        InetAddress metadata = InetAddress.getByName("169.254.169.254");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        stack(Map.of("WEBHOOK_ALLOW_HTTP", "true"), host -> switch (host) {
            case "rebinding.example" -> new InetAddress[] {loopback};
            case "metadata.example" -> new InetAddress[] {InetAddress.getByName("93.184.215.14"), metadata};
            default -> throw new UnknownHostException(host);
        });
        String rebinding = submitJob("http://rebinding.example:" + receiver.port() + "/internal");
        String mixed = submitJob("http://metadata.example:" + receiver.port() + "/latest/meta-data/");

        JsonNode first = stack.awaitJob(rebinding, caller, job -> job.path("callback").path("state").asText().equals("refused"),
                WAIT).path("callback");
        assertThat(first.path("lastError").asText()).contains("loopback");
        JsonNode second = stack.awaitJob(mixed, caller, job -> job.path("callback").path("state").asText().equals("refused"),
                WAIT).path("callback");
        assertThat(second.path("lastError").asText()).contains("link-local");
        assertThat(receiver.received()).as("nothing reached the receiver").isEmpty();
    }

    @Test
    void aRedirectIsNotFollowed() {
        receiver.answering(new FakeReceiver.Answer(302, Map.of("Location", receiver.url("/elsewhere"))));
        stack(LOCAL_RECEIVER_ALLOWED);
        String id = submitJob(receiver.url("/moved"));

        JsonNode callback = stack.awaitJob(id, caller, job -> job.path("callback").path("state").asText().equals("refused"),
                WAIT).path("callback");
        assertThat(callback.path("lastStatus").asInt()).isEqualTo(302);
        assertThat(callback.path("lastError").asText()).contains("redirect");
        AsyncStack.sleep(Duration.ofSeconds(1));
        assertThat(receiver.receivedAt("/elsewhere")).isEmpty();
        assertThat(receiver.receivedAt("/moved")).hasSize(1);
    }

    @Test
    void aBatchIsPostedOnceWhenItsLastJobHasFinished() throws Exception {
        stack(LOCAL_RECEIVER_ALLOWED);
        APIGatewayProxyResponseEvent accepted = stack.post("/v1/batches", "{\"callbackUrl\": \"" + receiver.url("/batch")
                + "\", \"requests\": [{\"prompt\": \"a " + marker + "\"}, {\"prompt\": \"b " + marker + "\"}, "
                + "{\"prompt\": \"c " + marker + "\", \"customId\": \"third\"}]}", caller);
        assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(202);
        String id = body(accepted).path("id").asText();

        Received delivery = receiver.await("/batch", 1, WAIT).get(0);
        JsonNode document = Json.MAPPER.readTree(delivery.body());
        assertThat(document.path("id").asText()).isEqualTo(id);
        assertThat(document.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(document.path("counts").path("succeeded").asInt()).isEqualTo(3);
        assertThat(document.path("jobs")).hasSize(3);
        assertThat(delivery.header(WebhookSignature.ID_HEADER)).isEqualTo(id + ".1");
        assertThat(WebhookSignature.verify(secret(), delivery.header(WebhookSignature.SIGNATURE_HEADER),
                Long.parseLong(delivery.header(WebhookSignature.TIMESTAMP_HEADER)), delivery.body(),
                System.currentTimeMillis() / 1000)).isTrue();
        AsyncStack.sleep(Duration.ofSeconds(2));
        assertThat(receiver.receivedAt("/batch")).as("once for the batch, none for its jobs").hasSize(1);
        JsonNode status = body(stack.get("/v1/batches/{id}", id, caller, Map.of()));
        assertThat(status.path("callback").path("state").asText()).isEqualTo("delivered");
    }

    @Test
    void aJobServedFromTheCacheAtSubmitAndAProducersJobAreDeliveredToo() throws Exception {
        stack(LOCAL_RECEIVER_ALLOWED);
        String first = submitJob(receiver.url("/first"));
        stack.awaitJobStatus(first, caller, "SUCCEEDED", WAIT);
        String cached = submitJob(receiver.url("/cached"));
        JsonNode delivered = Json.MAPPER.readTree(receiver.await("/cached", 1, WAIT).get(0).body());
        assertThat(delivered.path("id").asText()).isEqualTo(cached);
        assertThat(delivered.path("result").path("cached").asBoolean()).isTrue();

        String producerJob = "job_" + UUID.randomUUID().toString().replace("-", "");
        backend.sqs().sendMessage(r -> r.queueUrl(backend.queueUrl("JobsQueue")).messageBody("{\"jobId\": \"" + producerJob
                + "\", \"request\": {\"prompt\": \"produced " + marker + "\"}, \"callbackUrl\": \"" + receiver.url("/produced") + "\"}"));
        Received produced = receiver.await("/produced", 1, WAIT).get(0);
        assertThat(Json.MAPPER.readTree(produced.body()).path("id").asText()).isEqualTo(producerJob);
        String producerSecret = new WebhookSecrets(LocalEnvironment.LOCAL_WEBHOOK_SECRET).forScope(Optional.empty());
        assertThat(WebhookSignature.verify(producerSecret, produced.header(WebhookSignature.SIGNATURE_HEADER),
                Long.parseLong(produced.header(WebhookSignature.TIMESTAMP_HEADER)), produced.body(),
                System.currentTimeMillis() / 1000)).as("signed with the producer scope's secret").isTrue();
    }

    @Test
    void theSampleEventDeliversItsJobAndSendsTheMalformedRecordBack() throws Exception {
        stack(LOCAL_RECEIVER_ALLOWED);
        JobStore jobs = JobStore.from(new Env(backend.environment("WebhookFunction", Map.of())), backend.dynamoDb(),
                Clock.systemUTC());
        String id = "job_" + String.format("%032x", 0xca11bac);
        jobs.createIfAbsent(jobs.newJob(id, Optional.empty(), "{\"prompt\": \"p\"}", null, null, null, null)
                .withCallback(Callback.pending(receiver.url("/sample"))));
        JobAttempts attempts = new JobAttempts(jobs.table());
        attempts.succeed(attempts.startAttempt(id, Duration.ofSeconds(30)).orElseThrow(),
                new Generation("gen_1", "gemini-2.5-flash", "an answer", "STOP", new Usage(1, 1, 2, 0), java.time.Instant.now()),
                false);
        Map<String, String> env = new HashMap<>(backend.environment("WebhookFunction", Map.of()));
        env.putAll(LOCAL_RECEIVER_ALLOWED);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        Path event = Repository.root().resolve("events/webhook-delivery.json");
        new WebhookHandler(new Env(env)).handleRequest(Files.newInputStream(event), response, null);

        JsonNode records = Json.MAPPER.readTree(event.toFile()).path("Records");
        assertThat(Json.MAPPER.readTree(response.toByteArray()).path("batchItemFailures").findValuesAsText("itemIdentifier"))
                .containsExactly(records.get(1).path("messageId").asText());
        assertThat(Json.MAPPER.readTree(receiver.await("/sample", 1, WAIT).get(0).body()).path("id").asText()).isEqualTo(id);
        assertThat(jobs.find(id).orElseThrow().callback().state()).isEqualTo(Callback.State.DELIVERED);
    }
}
