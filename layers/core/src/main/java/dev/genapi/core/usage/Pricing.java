package dev.genapi.core.usage;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The price of every model a request may name, from {@code MODEL_PRICING} (template parameter
 * {@code ModelPricing}, so a deployment changes prices without a code change):
 * {@code model=inputUsdPerMillion/outputUsdPerMillion,...}. It prices a finished generation
 * and bounds what a request can cost before it is made.
 */
public final class Pricing {

    /** Tokens the model may count for each turn's framing, beyond its text. */
    static final int TOKENS_PER_TURN = 8;

    private final Map<String, ModelPrice> prices;

    public Pricing(List<ModelPrice> prices) {
        Map<String, ModelPrice> byModel = new LinkedHashMap<>();
        prices.forEach(price -> byModel.put(price.model(), price));
        this.prices = Map.copyOf(byModel);
    }

    /** @param models every model a request may name: each must have a price, or the function does not start */
    public static Pricing from(Env env, List<String> models) {
        Pricing pricing = parse(env.require("MODEL_PRICING"));
        for (String model : models) {
            if (!pricing.prices.containsKey(model)) {
                throw new ConfigurationException("MODEL_PRICING has no price for " + model
                        + ", which ALLOWED_MODELS allows; add " + model + "=<input>/<output>");
            }
        }
        return pricing;
    }

    static Pricing parse(String text) {
        List<ModelPrice> prices = new java.util.ArrayList<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] modelAndPrice = entry.trim().split("=", 2);
            String[] parts = modelAndPrice.length == 2 ? modelAndPrice[1].split("/") : new String[0];
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                BigDecimal input = new BigDecimal(parts[0].trim());
                BigDecimal output = new BigDecimal(parts[1].trim());
                if (input.signum() < 0 || output.signum() < 0) {
                    throw new NumberFormatException();
                }
                prices.add(new ModelPrice(modelAndPrice[0].trim(), input, output));
            } catch (NumberFormatException e) {
                throw new ConfigurationException("MODEL_PRICING entry '" + entry.trim() + "' must look like "
                        + "model=<USD per 1M input tokens>/<USD per 1M output tokens>");
            }
        }
        return new Pricing(prices);
    }

    public ModelPrice of(String model) {
        ModelPrice price = prices.get(model);
        if (price == null) {
            throw new IllegalStateException("no price for " + model + "; Pricing.from checks every allowed model");
        }
        return price;
    }

    /**
     * What the generation cost, at the requested model's price. Thinking tokens are billed as output:
     * LangChain4j's output count leaves them out, and the total includes them.
     */
    public long nanoUsd(String model, int inputTokens, int outputTokens, int totalTokens) {
        int billedOutput = Math.max(outputTokens, totalTokens - inputTokens);
        return of(model).nanoUsd(inputTokens, billedOutput);
    }

    /**
     * The most a call can cost: every UTF-8 byte of its text as a token (no tokenizer makes more of it),
     * framing for each turn and the call, and {@code maxOutputTokens} of output (thinking included).
     */
    public long maxNanoUsd(String model, long textBytes, int turns, int maxOutputTokens) {
        return of(model).nanoUsd(textBytes + (long) TOKENS_PER_TURN * (turns + 1), maxOutputTokens);
    }
}
