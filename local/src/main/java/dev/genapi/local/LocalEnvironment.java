package dev.genapi.local;

import dev.genapi.local.template.FunctionSpec;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function's environment on the local stack: exactly what template.yaml declares, plus what Lambda itself
 * would set (region, function name, log format and level), the emulators' endpoints, and the model choice. With a Gemini key in
 * the caller's environment the function uses Gemini (at GEMINI_BASE_URL if given); without, the offline
 * model, instead of the SSM parameter a deployed function reads. Webhooks are signed with WEBHOOK_SECRET (or a
 * fixed local one) and, as deployed, reach only public https receivers unless the shell sets WEBHOOK_ALLOW_HTTP
 * and WEBHOOK_ALLOWED_NETWORKS.
 */
public final class LocalEnvironment {

    /** The local stack's webhook deployment secret, unless the shell sets WEBHOOK_SECRET: not a secret at all. */
    public static final String LOCAL_WEBHOOK_SECRET = "genapi-local-stack-webhook-secret-not-for-production";

    private LocalEnvironment() {
    }

    public static Map<String, String> of(FunctionSpec function, URI dynamoDb, URI sqs, Map<String, String> shell) {
        Map<String, String> env = new LinkedHashMap<>(function.environment());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
        // What Lambda passes on from the template's LoggingConfig.
        Map<String, String> logging = function.loggingConfig();
        if (logging.containsKey("LogFormat")) {
            env.put("AWS_LAMBDA_LOG_FORMAT", logging.get("LogFormat"));
        }
        if (logging.containsKey("ApplicationLogLevel")) {
            env.put("AWS_LAMBDA_LOG_LEVEL", logging.get("ApplicationLogLevel"));
        }
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString());
        if (sqs != null) {
            env.put("AWS_ENDPOINT_URL_SQS", sqs.toString());
        }
        if (env.containsKey("MODEL_PROVIDER")) {
            env.remove("GEMINI_API_KEY_PARAMETER");
            env.remove("OPENAI_API_KEY_PARAMETER");
            if (usesGemini(shell)) {
                env.put("GEMINI_API_KEY", shell.get("GEMINI_API_KEY"));
                // An OpenAI-compatible endpoint (a local Ollama, say) for chain targets named openai:<model>.
                for (String variable : new String[] {"GEMINI_BASE_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY"}) {
                    if (present(shell, variable)) {
                        env.put(variable, shell.get(variable));
                    }
                }
            } else {
                env.put("MODEL_PROVIDER", "offline");
                for (String offline : new String[] {"OFFLINE_MODEL_LATENCY_MS", "OFFLINE_MODEL_DOWN"}) {
                    if (present(shell, offline)) {
                        env.put(offline, shell.get(offline));
                    }
                }
            }
        }
        if (env.containsKey("WEBHOOK_SECRET_PARAMETER")) {
            env.remove("WEBHOOK_SECRET_PARAMETER");
            env.put("WEBHOOK_SECRET", present(shell, "WEBHOOK_SECRET") ? shell.get("WEBHOOK_SECRET") : LOCAL_WEBHOOK_SECRET);
        }
        // Callbacks to this machine (http, loopback) only when the shell asks for them, as a deployment would.
        for (String webhook : new String[] {"WEBHOOK_ALLOW_HTTP", "WEBHOOK_ALLOWED_NETWORKS"}) {
            if (env.containsKey(webhook) && present(shell, webhook)) {
                env.put(webhook, shell.get(webhook));
            }
        }
        return env;
    }

    public static boolean usesGemini(Map<String, String> shell) {
        return present(shell, "GEMINI_API_KEY");
    }

    private static boolean present(Map<String, String> shell, String name) {
        return shell.get(name) != null && !shell.get(name).isBlank();
    }
}
