package dev.genapi.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelTargetTest {

    @Test
    void aPlainNameIsGeminis() {
        assertThat(ModelTarget.parse("gemini-2.5-flash"))
                .isEqualTo(new ModelTarget(ModelTarget.Provider.GEMINI, "gemini-2.5-flash", "gemini-2.5-flash"));
    }

    @Test
    void anOpenAiNameIsThatModelOnTheOpenAiCompatibleEndpoint() {
        assertThat(ModelTarget.parse("openai:gpt-4o-mini"))
                .isEqualTo(new ModelTarget(ModelTarget.Provider.OPENAI, "gpt-4o-mini", "openai:gpt-4o-mini"));
    }

    @Test
    void eachTargetHasACircuitOfItsOwnNamedByProviderAndModel() {
        assertThat(ModelTarget.parse("gemini-2.5-flash").circuit()).isEqualTo("gemini:gemini-2.5-flash");
        assertThat(ModelTarget.parse("openai:gpt-4o-mini").circuit()).isEqualTo("openai:gpt-4o-mini");
    }

    @Test
    void aChainIsOnAProviderWhenAnyOfItsModelsIs() {
        assertThat(ModelTarget.anyOn(ModelTarget.Provider.OPENAI, List.of("gemini-2.5-flash", "openai:llama3"))).isTrue();
        assertThat(ModelTarget.anyOn(ModelTarget.Provider.OPENAI, List.of("gemini-2.5-flash"))).isFalse();
    }
}
