package dev.genapi.model;

import dev.genapi.core.aws.SsmParameters;
import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.util.function.Supplier;

/**
 * Finds the Gemini API key once, at start-up: in AWS from the SSM SecureString named by
 * {@code GEMINI_API_KEY_PARAMETER} (so the key never sits in the template or the function's configuration),
 * locally from {@code GEMINI_API_KEY}. No key is a start-up error, not a per-request one.
 */
public final class GeminiApiKey {

    private GeminiApiKey() {
    }

    public static String resolve(Env env, Supplier<SsmParameters> ssm) {
        if (env.isSet("GEMINI_API_KEY_PARAMETER")) {
            String name = env.require("GEMINI_API_KEY_PARAMETER");
            try {
                String value = ssm.get().decrypted(name);
                if (value == null || value.isBlank()) {
                    throw new ConfigurationException("SSM parameter " + name + " is empty");
                }
                return value.trim();
            } catch (SsmParameters.SsmException e) {
                if (e.type().equals("ParameterNotFound")) {
                    throw new ConfigurationException("SSM parameter " + name + " (GEMINI_API_KEY_PARAMETER) does not exist; "
                            + "create it: aws ssm put-parameter --type SecureString --name " + name + " --value <key>", e);
                }
                throw new ConfigurationException("cannot read SSM parameter " + name + ": " + e.getMessage(), e);
            }
        }
        if (env.isSet("GEMINI_API_KEY")) {
            return env.require("GEMINI_API_KEY");
        }
        throw new ConfigurationException("no Gemini API key: set GEMINI_API_KEY_PARAMETER (an SSM SecureString name) "
                + "or GEMINI_API_KEY, or MODEL_PROVIDER=offline for the local stack");
    }
}
