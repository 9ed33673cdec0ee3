package dev.genapi.core.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.core.config.ConfigurationException;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.GenerationRequestParser;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PricingTest {

    static final String TABLE = "gemini-2.5-flash=0.30/2.50,gemini-2.5-flash-lite=0.10/0.40,gemini-2.5-pro=1.25/10.00";
    final Pricing pricing = Pricing.parse(TABLE);
    final GenerationRequestParser parser = new GenerationRequestParser(new GenerationConfig("gemini-2.5-flash",
            List.of("gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.5-pro"), 100_000, 1_048_576, 60, 600));

    @ParameterizedTest(name = "{0}: {1} in, {2} out, {3} total = {4} USD")
    @CsvSource(textBlock = """
            gemini-2.5-flash,      1000000, 0,       1000000, 0.30
            gemini-2.5-flash,      0,       1000000, 1000000, 2.50
            gemini-2.5-flash-lite, 1000000, 1000000, 2000000, 0.50
            gemini-2.5-pro,        10,      20,      30,      0.0002125
            gemini-2.5-flash,      7,       17,      24,      0.0000446
            gemini-2.5-flash,      100,     10,      150,     0.000155
            """)
    void aGenerationCostsItsTokensAtTheRequestedModelsPriceThinkingBilledAsOutput(String model, int input, int output,
                                                                                  int total, String usd) {
        assertThat(Money.usd(pricing.nanoUsd(model, input, output, total))).isEqualByComparingTo(new BigDecimal(usd));
    }

    @Test
    void theMostARequestCanCostBoundsItsTextByteForByteAndItsOutputByMaxOutputTokens() {
        GenerationRequest capped = parser.parse("{\"prompt\": \"héllo\", \"maxOutputTokens\": 100}");
        // 6 UTF-8 bytes + 8 per turn + 8 framing = 22 input tokens; 100 output tokens.
        assertThat(maxNanoUsd(capped)).isEqualTo(22 * 300 + 100 * 2_500);
        GenerationRequest byDefault = parser.parse("{\"prompt\": \"héllo\", \"system\": \"s\"}");
        assertThat(maxNanoUsd(byDefault)).as("no maxOutputTokens: the default of 8192")
                .isEqualTo((22 + 1 + 8) * 300L + 8_192L * 2_500);
    }

    long maxNanoUsd(GenerationRequest request) {
        return pricing.maxNanoUsd(request.model(), request.textBytes(), request.turns(), request.maxOutputTokens());
    }

    @Test
    void everyAllowedModelMustHaveAPrice() {
        Env env = new Env(Map.of("MODEL_PRICING", "gemini-2.5-flash=0.30/2.50"));
        assertThatThrownBy(() -> Pricing.from(env, List.of("gemini-2.5-flash", "gemini-2.5-pro")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("gemini-2.5-pro");
        assertThat(Pricing.from(env, List.of("gemini-2.5-flash")).of("gemini-2.5-flash").outputUsdPerMillion())
                .isEqualByComparingTo("2.50");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flash=0.30", "flash", "flash=a/b", "flash=-1/2", "flash=1/2/3"})
    void aMalformedPriceIsAStartUpError(String table) {
        assertThatThrownBy(() -> Pricing.parse(table)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("MODEL_PRICING");
    }
}
