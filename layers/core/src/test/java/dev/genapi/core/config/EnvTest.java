package dev.genapi.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    final Env env = new Env(Map.of("NAME", " value ", "NUMBER", "42", "WORD", "forty", "LIST", "a, b,,c ",
            "FLAG", "TRUE", "BLANK", " "));

    @Test
    void typedReadsWithDefaults() {
        assertThat(env.require("NAME")).isEqualTo("value");
        assertThat(env.get("MISSING", "fallback")).isEqualTo("fallback");
        assertThat(env.get("BLANK", "fallback")).isEqualTo("fallback");
        assertThat(env.intValue("NUMBER", 1, 0, 100)).isEqualTo(42);
        assertThat(env.intValue("MISSING", 7, 0, 100)).isEqualTo(7);
        assertThat(env.list("LIST")).containsExactly("a", "b", "c");
        assertThat(env.flag("FLAG", false)).isTrue();
    }

    @Test
    void wrongValuesFailNamingTheVariable() {
        assertThatThrownBy(() -> env.require("MISSING")).isInstanceOf(ConfigurationException.class).hasMessageContaining("MISSING");
        assertThatThrownBy(() -> env.intValue("WORD", 1, 0, 9)).hasMessageContaining("WORD must be an integer");
        assertThatThrownBy(() -> env.intValue("NUMBER", 1, 0, 9)).hasMessageContaining("NUMBER must be between 0 and 9");
        assertThatThrownBy(() -> env.flag("NAME", false)).hasMessageContaining("NAME must be true or false");
    }

    @Test
    void everyNameLookedUpIsRecorded() {
        env.get("A", null);
        env.isSet("B");
        assertThat(env.namesRead()).containsExactlyInAnyOrder("A", "B");
    }
}
