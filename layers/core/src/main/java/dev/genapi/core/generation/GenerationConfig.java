package dev.genapi.core.generation;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.util.List;

/**
 * What every function that accepts generation requests is configured with (names as in template.yaml).
 */
public record GenerationConfig(
        String defaultModel,
        List<String> allowedModels,
        int maxPromptChars,
        int maxBodyBytes,
        int defaultCacheTtlSeconds,
        int maxCacheTtlSeconds) {

    public static GenerationConfig from(Env env) {
        String defaultModel = env.require("DEFAULT_MODEL");
        List<String> allowed = env.list("ALLOWED_MODELS");
        if (allowed.isEmpty()) {
            allowed = List.of(defaultModel);
        }
        if (!allowed.contains(defaultModel)) {
            throw new ConfigurationException("DEFAULT_MODEL '" + defaultModel + "' is not in ALLOWED_MODELS " + allowed);
        }
        int maxTtl = env.intValue("CACHE_MAX_TTL_SECONDS", 86_400, 0, 31_536_000);
        int defaultTtl = env.intValue("CACHE_DEFAULT_TTL_SECONDS", Math.min(3_600, maxTtl), 0, maxTtl);
        return new GenerationConfig(defaultModel, allowed,
                env.intValue("MAX_PROMPT_CHARS", 100_000, 1, 10_000_000),
                env.intValue("MAX_BODY_BYTES", 1_048_576, 1_024, 10_485_760),
                defaultTtl, maxTtl);
    }
}
