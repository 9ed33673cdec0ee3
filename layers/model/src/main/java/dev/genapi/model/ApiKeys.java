package dev.genapi.model;

import dev.genapi.core.aws.SsmParameters;
import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import dev.genapi.core.config.Once;
import java.util.function.Supplier;

/**
 * The model providers' API keys: in AWS each from the SSM SecureString its {@code <PROVIDER>_API_KEY_PARAMETER}
 * names (so a key never sits in the template or the function's configuration), locally from
 * {@code <PROVIDER>_API_KEY}. Where each key is is read at start-up; the key itself when it is first asked
 * for, once, and the composition root asks at start-up for every provider it uses, so that a missing key
 * fails the start rather than the first request.
 */
public final class ApiKeys {

    private final Supplier<String> gemini;
    private final Supplier<String> openAi;

    private ApiKeys(Supplier<String> gemini, Supplier<String> openAi) {
        this.gemini = gemini;
        this.openAi = openAi;
    }

    /** Where the keys are: GEMINI_API_KEY_PARAMETER (or GEMINI_API_KEY), OPENAI_API_KEY_PARAMETER (or OPENAI_API_KEY). */
    public static ApiKeys from(Env env, Supplier<SsmParameters> ssm) {
        return new ApiKeys(source(env, "GEMINI", "no Gemini API key: set GEMINI_API_KEY_PARAMETER (an SSM SecureString name) "
                        + "or GEMINI_API_KEY, or MODEL_PROVIDER=offline for the local stack", ssm),
                source(env, "OPENAI", "no key for the OpenAI-compatible endpoint: set OPENAI_API_KEY_PARAMETER (an SSM "
                        + "SecureString name; any value for a server that takes none) or OPENAI_API_KEY", ssm));
    }

    /** Keys given as they are (tests, benchmarks). */
    public static ApiKeys of(String gemini, String openAi) {
        return new ApiKeys(() -> gemini, () -> openAi);
    }

    public String gemini() {
        return gemini.get();
    }

    public String openAi() {
        return openAi.get();
    }

    private static Supplier<String> source(Env env, String provider, String missing, Supplier<SsmParameters> ssm) {
        String parameterVariable = provider + "_API_KEY_PARAMETER";
        String parameter = env.isSet(parameterVariable) ? env.require(parameterVariable) : null;
        String local = parameter == null ? env.get(provider + "_API_KEY", null) : null;
        return Once.of(() -> {
            if (parameter != null) {
                return ssm.get().secureString(parameter, parameterVariable);
            }
            if (local != null) {
                return local;
            }
            throw new ConfigurationException(missing);
        });
    }
}
