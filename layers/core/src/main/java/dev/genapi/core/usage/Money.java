package dev.genapi.core.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amounts of money as whole nano-dollars (10⁻⁹ USD): exact sums, atomic DynamoDB counters, and room for a
 * token priced at $0.10 per million (100 nano-dollars).
 */
public final class Money {

    private static final int NANO_DIGITS = 9;

    private Money() {
    }

    /** A USD amount as nano-dollars, rounded up (a limit or a price is never understated). */
    public static long nanoUsd(BigDecimal usd) {
        return usd.movePointRight(NANO_DIGITS).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Nano-dollars as USD, without trailing zeros (0.0003, not 0.000300000). */
    public static BigDecimal usd(long nanoUsd) {
        BigDecimal usd = BigDecimal.valueOf(nanoUsd, NANO_DIGITS).stripTrailingZeros();
        return usd.signum() == 0 ? BigDecimal.ZERO : usd;
    }
}
