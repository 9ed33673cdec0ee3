package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.local.LocalGenapi;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.Repository;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The local stack as a new user meets it: over HTTP, routes and handlers as template.yaml declares them. */
class LocalGenapiIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static LocalGenapi stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalGenapi.start(options(Map.of("GEMINI_API_KEY", "local-test-key", "GEMINI_BASE_URL", gemini.baseUrl())));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @BeforeEach
    void reset() {
        gemini.reset();
    }

    static LocalGenapi.Options options(Map<String, String> shell) {
        return new LocalGenapi.Options(Repository.templateFile(), Repository.root().resolve(LocalGenapi.Options.DEFAULT_API_KEYS),
                "127.0.0.1", 0, 0, 0, shell);
    }

    /** A request with the standard tier's development key, unless the headers name another x-api-key. */
    static HttpResponse<String> send(LocalGenapi on, String method, String path, String body, String... headers)
            throws Exception {
        var request = HttpRequest.newBuilder(on.apiUrl().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        boolean keyGiven = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            keyGiven |= headers[i].equalsIgnoreCase("x-api-key");
        }
        if (!keyGiven) {
            request.header("x-api-key", key(on, "standard"));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String key(LocalGenapi on, String tier) {
        return on.apiKeys().all().stream().filter(k -> k.tier().equals(tier)).findFirst().orElseThrow().value();
    }

    static HttpResponse<String> generate(LocalGenapi on, String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return send(on, "POST", "/v1/generate", body, all);
    }

    @Test
    void twoIdenticalCallsAreAMissThenAHitWithOneModelCall() throws Exception {
        var first = generate(stack, "{\"prompt\": \"local stack haiku\"}");
        var second = generate(stack, "{\"prompt\": \"local stack haiku\"}");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
        assertThat(second.headers().firstValue("age")).isPresent();
        assertThat(JSON.readTree(second.body()).path("output")).isEqualTo(JSON.readTree(first.body()).path("output"));
        assertThat(gemini.callCount()).isEqualTo(1);
        assertThat(gemini.calls().get(0).apiKey()).isEqualTo("local-test-key");
    }

    @Test
    void changingAParameterMissesAndAnotherApiKeyIsAnotherCaller() throws Exception {
        generate(stack, "{\"prompt\": \"params\", \"temperature\": 0.1}");
        assertThat(generate(stack, "{\"prompt\": \"params\", \"temperature\": 0.2}").headers().firstValue("x-cache"))
                .hasValue("MISS");
        assertThat(generate(stack, "{\"prompt\": \"params\", \"temperature\": 0.1}", "x-api-key", key(stack, "free"))
                .headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(gemini.callCount()).isEqualTo(3);
    }

    @Test
    void aOneSecondTtlExpires() throws Exception {
        String body = "{\"prompt\": \"one second\", \"cacheTtlSeconds\": 1}";
        generate(stack, body);
        Thread.sleep(1_100);
        assertThat(generate(stack, body).headers().firstValue("x-cache")).hasValue("MISS");
        assertThat(gemini.callCount()).isEqualTo(2);
    }

    @Test
    void errorsComeBackAsProblemJson() throws Exception {
        var wrongMethod = send(stack, "GET", "/v1/generate", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");

        var form = send(stack, "POST", "/v1/generate", "prompt=hi", "Content-Type", "application/x-www-form-urlencoded");
        assertThat(form.statusCode()).isEqualTo(415);

        var tooLarge = generate(stack, "{\"prompt\": \"" + "x".repeat(100_001) + "\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);

        var unknownRoute = send(stack, "GET", "/v1/nothing-here", null);
        assertThat(unknownRoute.statusCode()).isEqualTo(404);
        for (var response : new HttpResponse<?>[] {wrongMethod, form, tooLarge, unknownRoute}) {
            assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
            JsonNode problem = JSON.readTree((String) response.body());
            assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
            assertThat(problem.path("type").asText()).startsWith("urn:genapi:problem:");
        }
        assertThat(gemini.callCount()).isZero();
    }

    /** A request line sent as is: no HTTP client would send these malformed URLs. */
    static String rawGet(LocalGenapi on, String target, String apiKey) throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", on.apiUrl().getPort())) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + apiKey
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void malformedPercentEncodingIsAProblemNotAnHtmlPage() throws Exception {
        String key = key(stack, "standard");
        for (String target : new String[] {"/v1/batches/batch_x?limit=%zz", "/v1/jobs/job_x?nextToken=%e9",
                "/v1/jobs/%zz", "/v1/%"}) {
            String response = rawGet(stack, target, key);
            assertThat(response).as(target).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"type\":\"urn:genapi:problem:").doesNotContainIgnoringCase("<html").doesNotContain("<h1>");
        }
    }

    @Test
    void theCurlExampleInTheBannerWorksAsPrinted() throws Exception {
        String banner = stack.banner();
        Matcher curl = Pattern.compile("(curl -i (?:[^\\n]*\\\\\\n)*[^\\n]*)").matcher(banner);
        assertThat(curl.find()).as(banner).isTrue();
        Process process = new ProcessBuilder("bash", "-c", curl.group(1).replace("curl -i", "curl -s -i"))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(output).startsWith("HTTP/1.1 200").containsIgnoringCase("x-cache: MISS").contains("\"output\"");
    }

    @Test
    void withoutAKeyTheOfflineModelAnswersAndSaysSo() throws Exception {
        try (LocalGenapi offline = LocalGenapi.start(options(Map.of("OFFLINE_MODEL_LATENCY_MS", "300")))) {
            assertThat(offline.banner()).contains("OFFLINE");
            var first = generate(offline, "{\"prompt\": \"offline please\"}");
            long start = System.nanoTime();
            var second = generate(offline, "{\"prompt\": \"offline please\"}");
            long hitMillis = (System.nanoTime() - start) / 1_000_000;

            JsonNode generation = JSON.readTree(first.body());
            assertThat(generation.path("model").asText()).isEqualTo("offline/gemini-2.5-flash");
            assertThat(generation.path("output").asText()).startsWith("Offline model reply");
            assertThat(second.headers().firstValue("x-cache")).hasValue("HIT");
            assertThat(hitMillis).isLessThan(300);
            assertThat(gemini.callCount()).isZero();
        }
    }

    @Test
    void aFallbackChainCanBeSeenLocallyWithTheOfflineModelPlayingThePrimaryDown() throws Exception {
        try (LocalGenapi local = LocalGenapi.start(options(Map.of("OFFLINE_MODEL_LATENCY_MS", "0",
                "OFFLINE_MODEL_DOWN", "gemini-2.5-flash",
                "GENAPI_PARAMETER_OVERRIDES", "ModelChains=gemini-2.5-flash>gemini-2.5-flash-lite")))) {
            var response = generate(local, "{\"prompt\": \"fallback please\", \"model\": \"gemini-2.5-flash\"}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode generation = JSON.readTree(response.body());
            assertThat(generation.path("model").asText()).isEqualTo("offline/gemini-2.5-flash-lite");
            assertThat(generation.path("fallback").asBoolean()).isTrue();
            assertThat(response.headers().firstValue("x-fallback")).hasValue("offline/gemini-2.5-flash-lite");
            var lite = generate(local, "{\"prompt\": \"fallback please\", \"model\": \"gemini-2.5-flash-lite\"}");
            assertThat(JSON.readTree(lite.body()).path("fallback").asBoolean()).as("asked for, not a fallback").isFalse();
        }
    }

    static JsonNode awaitSucceeded(LocalGenapi on, String location) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            var response = send(on, "GET", location, null);
            if (response.statusCode() == 200) {
                job = JSON.readTree(response.body());
                if (job.path("status").asText().equals("SUCCEEDED")) {
                    return job;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job at " + location + " did not succeed; last seen " + job);
    }

    @Test
    void aSubmittedJobIsRunByTheWorkerAndReadAtItsLocation() throws Exception {
        var accepted = send(stack, "POST", "/v1/jobs", "{\"prompt\": \"local async\"}", "Content-Type", "application/json");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String location = accepted.headers().firstValue("location").orElseThrow();
        JsonNode job = awaitSucceeded(stack, location);
        assertThat(job.path("result").path("output").asText()).startsWith("Fake Gemini answer");
        assertThat(gemini.callCount()).isEqualTo(1);
    }

    @Test
    void theBannersProducerExampleQueuesAJobTheStatusApiShows() throws Exception {
        String banner = stack.banner();
        String queueUrl = stack.template().resolve(Map.of("Ref", "JobsQueue")).toString();
        assertThat(banner).contains(queueUrl).contains(stack.sqsEndpoint().toString());
        Matcher example = Pattern.compile("--message-body '([^']+)'\\n  curl -H '[^']+' (\\S+)").matcher(banner);
        assertThat(example.find()).as(banner).isTrue();

        stack.sqsClient().sendMessage(r -> r.queueUrl(queueUrl).messageBody(example.group(1)));
        JsonNode job = awaitSucceeded(stack, URI.create(example.group(2)).getPath());
        assertThat(job.path("result").path("output").asText()).isNotEmpty();
    }

    @Test
    void theLocalRedriveCommandMovesDeadLettersBackToTheQueue() throws Exception {
        String jobId = dev.genapi.core.jobs.Ids.newJobId();
        String deadLetterQueue = stack.template().resolve(Map.of("Ref", "JobsDeadLetterQueue")).toString();
        stack.sqsClient().sendMessage(r -> r.queueUrl(deadLetterQueue)
                .messageBody("{\"jobId\": \"" + jobId + "\", \"request\": {\"prompt\": \"redriven\"}}"));

        ProcessBuilder redrive = new ProcessBuilder(Repository.root().resolve("local/redrive").toString())
                .directory(Repository.root().toFile()).redirectErrorStream(true);
        redrive.environment().put("GENAPI_SQS_PORT", Integer.toString(stack.sqsEndpoint().getPort()));
        Process process = redrive.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("moving messages from").contains("JobsDeadLetterQueue");

        awaitSucceeded(stack, "/v1/jobs/" + jobId);
    }

    @Test
    void theApiAnswersOnLocalhost() {
        assertThat(stack.apiUrl()).isEqualTo(URI.create("http://localhost:" + stack.apiUrl().getPort()));
    }
}
