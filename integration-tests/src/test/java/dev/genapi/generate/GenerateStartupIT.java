package dev.genapi.generate;

import static dev.genapi.testing.ApiEvents.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import dev.genapi.testing.FakeGemini;
import dev.genapi.testing.FakeSsm;
import dev.genapi.testing.Repository;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What GenerateFunction does at start-up: the key from SSM once, and clear failures before any request. */
@ExtendWith(AwsEmulators.class)
class GenerateStartupIT {

    static AwsBackend backend;
    @RegisterExtension
    static final FakeGemini gemini = FakeGemini.start();
    static FakeSsm ssm;

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
        ssm = FakeSsm.start();
        ssm.putSecureString(Repository.template().parameter("GeminiApiKeyParameterName"), "key-from-ssm");
    }

    @AfterAll
    static void stop() {
        ssm.close();
    }

    /** Exactly the template's environment, as deployed (key in SSM), with AWS and Gemini at fakes. */
    static Map<String, String> deployedEnvironment() {
        Map<String, String> env = new HashMap<>(Repository.template().function("GenerateFunction").environment());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", backend.dynamoDbEndpoint().toString());
        env.put("AWS_ENDPOINT_URL_SSM", ssm.endpoint());
        env.put("GEMINI_BASE_URL", gemini.baseUrl());
        return env;
    }

    @Test
    void theKeyIsReadFromSsmOnceAndSentToGemini() {
        int readsBefore = ssm.reads();
        var handler = new ApiFunction(new GenerateHandler(new Env(deployedEnvironment()), Clock.systemUTC()));
        for (int i = 0; i < 3; i++) {
            assertThat(handler.handleRequest(post("/v1/generate", "{\"prompt\":\"ssm " + i + "\"}", "k"), null)
                    .getStatusCode()).isEqualTo(200);
        }
        assertThat(ssm.reads() - readsBefore).isEqualTo(1);
        assertThat(gemini.calls()).allSatisfy(call -> assertThat(call.apiKey()).isEqualTo("key-from-ssm"));
    }

    @Test
    void aMissingSsmParameterFailsAtStartupWithTheFix() {
        Map<String, String> env = deployedEnvironment();
        env.put("GEMINI_API_KEY_PARAMETER", "/genapi/missing");
        assertThatThrownBy(() -> new GenerateHandler(new Env(env), Clock.systemUTC()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("/genapi/missing")
                .hasMessageContaining("aws ssm put-parameter");
    }

    @Test
    void noKeyAtAllFailsAtStartup() {
        Map<String, String> env = deployedEnvironment();
        env.remove("GEMINI_API_KEY_PARAMETER");
        assertThatThrownBy(() -> new GenerateHandler(new Env(env), Clock.systemUTC()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("GEMINI_API_KEY");
    }

    @Test
    void noDefaultModelFailsAtStartup() {
        Map<String, String> env = deployedEnvironment();
        env.remove("DEFAULT_MODEL");
        assertThatThrownBy(() -> new GenerateHandler(new Env(env), Clock.systemUTC()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("DEFAULT_MODEL");
    }

    @Test
    void aDefaultModelOutsideTheAllowListFailsAtStartup() {
        Map<String, String> env = deployedEnvironment();
        env.put("DEFAULT_MODEL", "gemini-0-nope");
        assertThatThrownBy(() -> new GenerateHandler(new Env(env), Clock.systemUTC()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("ALLOWED_MODELS");
    }

    @Test
    void noCacheTableFailsAtStartup() {
        Map<String, String> env = deployedEnvironment();
        env.remove("CACHE_TABLE");
        assertThatThrownBy(() -> new GenerateHandler(new Env(env), Clock.systemUTC()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CACHE_TABLE");
    }
}
