package dev.genapi.model;

import java.util.List;

/**
 * A model a chain may call, parsed once from its configured name into its provider and the provider's own
 * model name: {@code openai:<model>} is that model on the OpenAI-compatible endpoint, any other name Gemini's.
 * Adding a provider is a constant here and a client in {@link ChatModels}.
 *
 * @param name the name as configured (what an answer and its price are known by)
 */
record ModelTarget(Provider provider, String model, String name) {

    enum Provider {
        GEMINI("gemini:"),
        OPENAI("openai:");

        /** How a configured name says the provider; Gemini's is left out, as the default. */
        final String prefix;

        Provider(String prefix) {
            this.prefix = prefix;
        }
    }

    static ModelTarget parse(String name) {
        if (name != null && name.startsWith(Provider.OPENAI.prefix)) {
            return new ModelTarget(Provider.OPENAI, name.substring(Provider.OPENAI.prefix.length()), name);
        }
        return new ModelTarget(Provider.GEMINI, name, name);
    }

    /** Whether any of the models is on {@code provider}. */
    static boolean anyOn(Provider provider, List<String> models) {
        return models.stream().anyMatch(model -> parse(model).provider() == provider);
    }

    /** The circuit's name: provider and model. */
    String circuit() {
        return provider.prefix + model;
    }
}
