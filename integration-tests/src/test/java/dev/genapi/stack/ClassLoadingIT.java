package dev.genapi.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.FakeOpenAi;
import dev.genapi.testing.Repository;
import dev.genapi.testing.HandlerProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What each function loads, seen from a fresh JVM with -verbose:class: Java on Lambda pays at init for
 * every class, so a function must load only what it uses.
 */
@ExtendWith(AwsEmulators.class)
class ClassLoadingIT {

    /** Runs one handler with one request in a fresh JVM; returns the names of the classes it loaded. */
    static List<String> loadedClasses(String handler, String method, String resource, String id, String body,
                                      Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-verbose:class",
                "-cp", System.getProperty("java.class.path"), HandlerProbe.class.getName(),
                handler, method, resource, id, body));
        env.forEach((name, value) -> command.add(name + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as(output.lines().filter(l -> !l.startsWith("[")).toList().toString()).contains("PROBE-STATUS");
        return output.lines().filter(line -> line.contains("[class,load]"))
                .map(line -> line.replaceAll(".*\\[class,load] (\\S+).*", "$1")).toList();
    }

    @Test
    void statusFunctionLoadsNoModelCodeAndNoQueueOrSsmClient(AwsBackend backend) throws Exception {
        List<String> classes = loadedClasses("dev.genapi.status.StatusHandler", "GET", "/v1/jobs/{id}",
                "job_" + "a".repeat(32), "-", backend.environment("StatusFunction", Map.of()));
        assertThat(classes).isNotEmpty()
                .noneMatch(name -> name.startsWith("dev.langchain4j."))
                .noneMatch(name -> name.startsWith("dev.genapi.model."))
                .noneMatch(name -> name.startsWith("software.amazon.awssdk.services.sqs."))
                .noneMatch(name -> name.startsWith("software.amazon.awssdk.services.ssm."));
    }

    /**
     * An OpenAI-compatible fallback costs nothing until it answers: a miss Gemini serves loads none of its
     * client; one it serves loads its client (the count is in the README's cold-start notes).
     */
    @Test
    void anOpenAiTargetLoadsItsClientOnlyWhenItIsCalled(AwsBackend backend) throws Exception {
        try (FakeGemini gemini = FakeGemini.start(); FakeOpenAi openAi = FakeOpenAi.start()) {
            Map<String, String> env = backend.environment("GenerateFunction", gemini);
            env.put("MODEL_CHAINS", "gemini-2.5-flash>openai:llama3.1");
            env.put("OPENAI_BASE_URL", openAi.baseUrl());
            env.put("OPENAI_API_KEY", "probe");
            env.put("MODEL_PRICING", Repository.template().parameter("ModelPricing") + ",openai:llama3.1=0.05/0.10");
            List<String> served = loadedClasses("dev.genapi.generate.GenerateHandler", "POST", "/v1/generate", "-",
                    "{\"prompt\": \"by gemini " + System.nanoTime() + "\"}", env);
            gemini.then(FakeGemini.error(503, "UNAVAILABLE", "down"));
            List<String> fellBack = loadedClasses("dev.genapi.generate.GenerateHandler", "POST", "/v1/generate", "-",
                    "{\"prompt\": \"by openai " + System.nanoTime() + "\"}", env);
            assertThat(openAi.calls()).hasSize(1);
            assertThat(served).noneMatch(name -> name.startsWith("dev.langchain4j.model.openai."));
            List<String> openAiClasses = fellBack.stream().filter(name -> name.startsWith("dev.langchain4j.model.openai.")).toList();
            assertThat(openAiClasses).isNotEmpty();
            System.out.printf("OpenAI target: %d classes loaded when served by Gemini, %d when by the OpenAI target "
                    + "(%d of them LangChain4j's OpenAI module)%n", served.size(), fellBack.size(), openAiClasses.size());
        }
    }

    @Test
    void generateFunctionLoadsNoHeavyHttpClientOrEmulator(AwsBackend backend) throws Exception {
        try (FakeGemini gemini = FakeGemini.start()) {
            List<String> classes = loadedClasses("dev.genapi.generate.GenerateHandler", "POST", "/v1/generate", "-",
                    "{\"prompt\": \"probe\"}", backend.environment("GenerateFunction", gemini));
            assertThat(gemini.callCount()).isEqualTo(1);
            assertThat(classes)
                    .noneMatch(name -> name.startsWith("software.amazon.awssdk.http.apache"))
                    .noneMatch(name -> name.startsWith("software.amazon.awssdk.http.nio"))
                    .noneMatch(name -> name.startsWith("io.netty."))
                    .noneMatch(name -> name.startsWith("org.apache.http"))
                    .noneMatch(name -> name.startsWith("com.amazonaws.services.dynamodbv2"))
                    .noneMatch(name -> name.startsWith("org.elasticmq"));
        }
    }

    @Test
    void aCacheHitStartedOnDemandNeverBuildsTheGeminiClientButASnapshotInitDoes(AwsBackend backend) throws Exception {
        try (FakeGemini gemini = FakeGemini.start()) {
            Map<String, String> env = backend.environment("GenerateFunction", gemini);
            String body = "{\"prompt\": \"lazy " + System.nanoTime() + "\"}";
            loadedClasses("dev.genapi.generate.GenerateHandler", "POST", "/v1/generate", "-", body, env); // a miss
            List<String> hit = loadedClasses("dev.genapi.generate.GenerateHandler", "POST", "/v1/generate", "-", body, env);
            assertThat(gemini.callCount()).as("the second was a hit").isEqualTo(1);
            assertThat(hit).noneMatch(name -> name.startsWith("dev.langchain4j.model.googleai."))
                    .noneMatch(name -> name.startsWith("jdk.internal.net.http."));

            env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
            List<String> snapshot = loadedClasses("dev.genapi.generate.GenerateHandler", "POST", "/v1/generate", "-",
                    body, env);
            assertThat(gemini.callCount()).isEqualTo(1);
            assertThat(snapshot).anyMatch(name -> name.startsWith("dev.langchain4j.model.googleai."));
        }
    }
}
