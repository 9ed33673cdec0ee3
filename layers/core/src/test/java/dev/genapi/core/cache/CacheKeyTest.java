package dev.genapi.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequestParser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CacheKeyTest {

    final GenerationRequestParser parser = new GenerationRequestParser(new GenerationConfig("m1",
            List.of("m1", "m2"), 100_000, 1_048_576, 60, 600));

    String key(String body, String scope) {
        return CacheKey.of(parser.parse(body), scope);
    }

    @Test
    void aKeyIsVersionedAndHashed() {
        assertThat(key("{\"prompt\": \"p\"}", "s")).matches("v2:[0-9a-f]{64}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"prompt":"p","temperature":0.5}             | { "temperature" : 0.50 ,  "prompt" : "p" }
            {"prompt":"p"}                               | {"prompt":"p","maxOutputTokens":8192}
            {"prompt":"p","temperature":1}               | {"prompt":"p","temperature":1.0}
            {"prompt":"p","topP":0.7}                    | {"prompt":"p","topP":7e-1}
            {"prompt":"p"}                               | {"prompt":"p","model":"m1"}
            {"prompt":"p"}                               | {"prompt":"p","responseFormat":"text"}
            {"prompt":"p","cacheTtlSeconds":5}           | {"prompt":"p","cacheTtlSeconds":600}
            """)
    void sameRequestWrittenDifferentlySharesAKey(String one, String other) {
        assertThat(key(one, "s")).isEqualTo(key(other, "s"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"prompt":"p"}                                 | {"prompt":"p "}
            {"prompt":"p"}                                 | {"messages":[{"role":"user","content":"p"}]}
            {"prompt":"p"}                                 | {"prompt":"p","model":"m2"}
            {"prompt":"p"}                                 | {"prompt":"p","system":"s"}
            {"prompt":"p"}                                 | {"prompt":"p","temperature":1}
            {"prompt":"p"}                                 | {"prompt":"p","topP":1}
            {"prompt":"p"}                                 | {"prompt":"p","topK":1}
            {"prompt":"p"}                                 | {"prompt":"p","maxOutputTokens":1}
            {"prompt":"p"}                                 | {"prompt":"p","stopSequences":[]}
            {"prompt":"p","stopSequences":["a","b"]}       | {"prompt":"p","stopSequences":["b","a"]}
            {"prompt":"p","stopSequences":["ab"]}          | {"prompt":"p","stopSequences":["a","b"]}
            {"prompt":"p"}                                 | {"prompt":"p","responseFormat":"json"}
            {"system":"a;","prompt":"b"}                   | {"system":"a","prompt":";b"}
            {"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]} | {"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}
            """)
    void anythingThatChangesTheOutputChangesTheKey(String one, String other) {
        assertThat(key(one, "s")).isNotEqualTo(key(other, "s"));
    }

    @Test
    void theCallersScopeIsPartOfTheKey() {
        assertThat(key("{\"prompt\":\"p\"}", "apikey:a")).isNotEqualTo(key("{\"prompt\":\"p\"}", "apikey:b"));
    }
}
