package dev.genapi.core.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** What one model costs: USD per million input and output tokens (thinking tokens are billed as output). */
public record ModelPrice(String model, BigDecimal inputUsdPerMillion, BigDecimal outputUsdPerMillion) {

    private static final BigDecimal NANO_PER_MILLION_USD = BigDecimal.valueOf(1_000); // 10⁹ nano / 10⁶ tokens

    /** The cost of these tokens in nano-dollars, rounded up. */
    public long nanoUsd(long inputTokens, long outputTokens) {
        BigDecimal nano = inputUsdPerMillion.multiply(NANO_PER_MILLION_USD).multiply(BigDecimal.valueOf(inputTokens))
                .add(outputUsdPerMillion.multiply(NANO_PER_MILLION_USD).multiply(BigDecimal.valueOf(outputTokens)));
        return nano.setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
