package dev.genapi.model;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which models may answer a request in place of the one it names, in order: {@code MODEL_CHAINS} as
 * {@code requested>fallback>fallback; requested>fallback}, for example
 * {@code gemini-2.5-flash>gemini-2.5-flash-lite}. A model with no chain is answered by itself alone.
 */
public final class ModelChains {

    private final Map<String, List<String>> chains;

    ModelChains(Map<String, List<String>> chains) {
        this.chains = chains;
    }

    /** @param allowedModels the models requests may name; every chain starts with one of them */
    public static ModelChains from(Env env, List<String> allowedModels) {
        Map<String, List<String>> chains = new LinkedHashMap<>();
        String text = env.get("MODEL_CHAINS", "").trim();
        for (String entry : text.isEmpty() ? new String[0] : text.split(";")) {
            List<String> chain = new ArrayList<>();
            for (String model : entry.split(">")) {
                if (model.isBlank() || chain.contains(model.trim())) {
                    throw new ConfigurationException("MODEL_CHAINS entry '" + entry.trim() + "' must look like "
                            + "requested>fallback[>fallback...], each model once");
                }
                chain.add(model.trim());
            }
            if (chain.size() < 2 || !allowedModels.contains(chain.get(0)) || chains.containsKey(chain.get(0))) {
                throw new ConfigurationException("MODEL_CHAINS entry '" + entry.trim() + "' must start with an allowed "
                        + "model " + allowedModels + " that has no other chain, and name at least one fallback");
            }
            chains.put(chain.get(0), List.copyOf(chain));
        }
        return new ModelChains(chains);
    }

    /** The targets for a request naming {@code model}: itself first. */
    public List<String> of(String model) {
        return chains.getOrDefault(model, List.of(model));
    }

    /** Every model a chain may call (the requested ones and their fallbacks), each needing a price. */
    public List<String> allModels(List<String> allowedModels) {
        Set<String> all = new LinkedHashSet<>(allowedModels);
        chains.values().forEach(all::addAll);
        return List.copyOf(all);
    }
}
