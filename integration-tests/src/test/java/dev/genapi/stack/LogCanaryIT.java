package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.genapi.local.LocalGenapi;
import dev.genapi.local.LocalIssuer;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.Repository;
import dev.genapi.testing.Tee;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs never hold what callers send or get back, nor their keys or tokens. A unique canary goes through
 * every route and the worker, in prompts, model answers, model error bodies, malformed bodies and producer
 * messages, in the API key and in the bearer token; then no line the stack printed may contain it.
 */
class LogCanaryIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void noLogLineHoldsAPromptAnAnswerAnApiKeyOrAToken(@TempDir Path folder) throws Exception {
        String canary = "canary" + UUID.randomUUID().toString().replace("-", "");
        String apiKey = canary + "-api-key-value";
        Path keys = folder.resolve("api-keys.json");
        Files.writeString(keys, "{\"keys\": [{\"id\": \"canarykey1\", \"value\": \"" + apiKey + "\", \"tier\": \"standard\"}]}");
        LocalIssuer issuer = LocalIssuer.load(Repository.root().resolve(LocalIssuer.FILE));
        String token = issuer.mint("canary-user", Duration.ofMinutes(10));

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, captured), true, StandardCharsets.UTF_8));
        try (FakeGemini gemini = FakeGemini.start();
             LocalGenapi stack = LocalGenapi.start(new LocalGenapi.Options(Repository.templateFile(), keys, "127.0.0.1",
                     0, 0, 0, Map.of("GEMINI_API_KEY", "k", "GEMINI_BASE_URL", gemini.baseUrl(),
                     "GENAPI_PARAMETER_OVERRIDES", "JwtIssuer=" + issuer.issuer() + " JwtAudience=" + issuer.audience())))) {
            exercise(stack, gemini, canary, apiKey, token);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertThat(logs).as("the run logged its warnings (the capture works)").contains("\"level\":\"WARN\"");
        assertThat(logs).doesNotContain(canary).doesNotContain(apiKey).doesNotContain(token)
                .doesNotContain(token.split("\\.")[2]);
    }

    private static void exercise(LocalGenapi stack, FakeGemini gemini, String canary, String apiKey, String token)
            throws Exception {
        String[] auth = {"x-api-key", apiKey, "Authorization", "Bearer " + token, "Content-Type", "application/json"};
        String prompt = "{\"prompt\": \"tell me about " + canary + "\"}";
        gemini.then(FakeGemini.text("here is " + canary));
        ok(LocalGenapiIT.send(stack, "POST", "/v1/generate", prompt, auth), 200);
        ok(LocalGenapiIT.send(stack, "POST", "/v1/generate", prompt, auth), 200); // a hit

        gemini.then(FakeGemini.error(400, "INVALID_ARGUMENT", "Invalid value at contents: " + canary));
        ok(LocalGenapiIT.send(stack, "POST", "/v1/generate", "{\"prompt\": \"rejected " + canary + "\"}", auth), 422);
        ok(LocalGenapiIT.send(stack, "POST", "/v1/generate", "{\"prompt\": " + canary + "}", auth), 400);
        ok(LocalGenapiIT.send(stack, "POST", "/v1/generate", "{\"prompt\": \"x\", \"" + canary + "\": 1}", auth), 400);

        gemini.then(FakeGemini.error(500, "INTERNAL", "failed on " + canary), FakeGemini.text("job answer " + canary));
        var job = ok(LocalGenapiIT.send(stack, "POST", "/v1/jobs", "{\"prompt\": \"job " + canary + "\"}", auth), 202);
        String jobUrl = job.headers().firstValue("location").orElseThrow();
        var batch = ok(LocalGenapiIT.send(stack, "POST", "/v1/batches",
                "{\"requests\": [{\"customId\": \"" + canary + "\", \"prompt\": \"batch " + canary + "\"}]}", auth), 202);
        String batchUrl = batch.headers().firstValue("location").orElseThrow();
        String queueUrl = stack.template().resolve(Map.of("Ref", "JobsQueue")).toString();
        stack.sqsClient().sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"request\": " + canary + "}"));
        stack.sqsClient().sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"jobId\": \"" + canary + "\"}"));

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && !JSON.readTree(LocalGenapiIT.send(stack, "GET", jobUrl, null, auth).body())
                .path("status").asText().equals("SUCCEEDED")) {
            Thread.sleep(200);
        }
        ok(LocalGenapiIT.send(stack, "GET", jobUrl, null, auth), 200);
        ok(LocalGenapiIT.send(stack, "GET", batchUrl, null, auth), 200);
        ok(LocalGenapiIT.send(stack, "GET", "/v1/usage", null, auth), 200);
        ok(LocalGenapiIT.send(stack, "GET", "/v1/jobs/job_" + "0".repeat(32), null, auth), 404);
        ok(LocalGenapiIT.send(stack, "GET", "/v1/usage", null, "x-api-key", apiKey, "Authorization", "Bearer " + canary), 401);
        ok(LocalGenapiIT.send(stack, "GET", "/v1/usage", null, "x-api-key", canary), 401);
        Thread.sleep(1_500); // let the worker log what it does with the malformed messages
    }

    private static HttpResponse<String> ok(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }
}
