package dev.genapi.model;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How to reach the models (names as in template.yaml). The API keys are not here: see {@link ApiKeys}.
 *
 * @param openAiBaseUrl an OpenAI-compatible endpoint for chain targets named {@code openai:<model>}
 *                      (Ollama, vLLM, Amazon Bedrock's); empty when there is none
 */
public record ModelConfig(Provider provider, String geminiBaseUrl, String openAiBaseUrl, Duration timeout,
                          int maxRetries, Duration offlineLatency, Set<String> offlineDown) {

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
            return new ModelConfig(provider, null, "", Duration.ZERO, 0,
                    Duration.ofMillis(env.intValue("OFFLINE_MODEL_LATENCY_MS", 1_000, 0, 60_000)),
                    Arrays.stream(env.get("OFFLINE_MODEL_DOWN", "").split(",")).map(String::trim)
                            .filter(model -> !model.isEmpty()).collect(Collectors.toUnmodifiableSet()));
        }
        return new ModelConfig(provider, baseUrl(env, "GEMINI_BASE_URL", GOOGLE_BASE_URL),
                baseUrl(env, "OPENAI_BASE_URL", ""),
                env.seconds("GEMINI_TIMEOUT_SECONDS", 25, 1, 900),
                env.intValue("GEMINI_MAX_RETRIES", 0, 0, 5),
                Duration.ZERO, Set.of());
    }

    /** A trailing slash makes LangChain4j request ".../v1beta//models/..." and Google answers 404. */
    private static String baseUrl(Env env, String variable, String fallback) {
        String url = env.get(variable, fallback).replaceAll("/+$", "");
        if (!url.isEmpty() && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw new ConfigurationException(variable + " must be an http(s) URL, was '" + url + "'");
        }
        return url;
    }
}
