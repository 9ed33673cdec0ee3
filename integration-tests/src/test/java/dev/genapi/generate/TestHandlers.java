package dev.genapi.generate;

import dev.genapi.core.config.Env;
import dev.genapi.testing.ApiFunction;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.FakeGemini;
import java.time.Clock;
import java.util.Map;

/** GenerateFunction through its real composition root: the template's environment, on a backend and a fake Gemini. */
final class TestHandlers {

    private TestHandlers() {
    }

    /** @param overrides environment variables that replace the template's */
    static ApiFunction generate(AwsBackend backend, FakeGemini gemini, Clock clock, Map<String, String> overrides) {
        Map<String, String> env = backend.environment("GenerateFunction", gemini);
        env.putAll(overrides);
        return new ApiFunction(new GenerateHandler(new Env(env), clock));
    }
}
