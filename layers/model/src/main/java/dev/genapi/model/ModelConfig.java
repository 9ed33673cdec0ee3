package dev.genapi.model;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How to reach the model (names as in template.yaml). The API key is not here: it is resolved once at
 * start-up by {@link GeminiApiKey}.
 */
public record ModelConfig(Provider provider, String geminiBaseUrl, Duration timeout, int maxRetries,
                          Duration offlineLatency, Set<String> offlineDown) {

    public static final String GOOGLE_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";

    public enum Provider {
        /** Google Gemini through LangChain4j. */
        GEMINI,
        /** A deterministic stand-in for the local stack; never the template's choice. */
        OFFLINE
    }

    public static ModelConfig from(Env env) {
        String providerName = env.get("MODEL_PROVIDER", "gemini");
        Provider provider = switch (providerName.toLowerCase()) {
            case "gemini" -> Provider.GEMINI;
            case "offline" -> Provider.OFFLINE;
            default -> throw new ConfigurationException("MODEL_PROVIDER must be gemini or offline, was '" + providerName + "'");
        };
        if (provider == Provider.OFFLINE) {
            return new ModelConfig(provider, null, Duration.ZERO, 0,
                    Duration.ofMillis(env.intValue("OFFLINE_MODEL_LATENCY_MS", 1_000, 0, 60_000)),
                    Arrays.stream(env.get("OFFLINE_MODEL_DOWN", "").split(",")).map(String::trim)
                            .filter(model -> !model.isEmpty()).collect(Collectors.toUnmodifiableSet()));
        }
        // A trailing slash makes LangChain4j request ".../v1beta//models/..." and Google answers 404.
        String baseUrl = env.get("GEMINI_BASE_URL", GOOGLE_BASE_URL).replaceAll("/+$", "");
        if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
            throw new ConfigurationException("GEMINI_BASE_URL must be an http(s) URL, was '" + baseUrl + "'");
        }
        return new ModelConfig(provider, baseUrl,
                env.seconds("GEMINI_TIMEOUT_SECONDS", 25, 1, 900),
                env.intValue("GEMINI_MAX_RETRIES", 0, 0, 5),
                Duration.ZERO, Set.of());
    }
}
