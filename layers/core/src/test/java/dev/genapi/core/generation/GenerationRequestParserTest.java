package dev.genapi.core.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationRequestParserTest {

    static final GenerationConfig CONFIG = new GenerationConfig("gemini-2.5-flash",
            List.of("gemini-2.5-flash", "gemini-2.5-pro"), 50, 1_048_576, 3_600, 86_400);
    final GenerationRequestParser parser = new GenerationRequestParser(CONFIG);

    Problem problemFor(String body) {
        try {
            parser.parse(body);
        } catch (ProblemException e) {
            return e.problem();
        }
        throw new AssertionError("expected a problem for " + body);
    }

    @Test
    void aPromptAloneGetsTheConfiguredDefaults() {
        GenerationRequest request = parser.parse("{\"prompt\": \"hi\"}");
        assertThat(request.model()).isEqualTo("gemini-2.5-flash");
        assertThat(request.responseFormat()).isEqualTo(GenerationRequest.ResponseFormat.TEXT);
        assertThat(request.cacheTtlSeconds()).isEqualTo(3_600);
        assertThat(request.temperature()).isNull();
        assertThat(request.conversation()).containsExactly(new Message(Message.Role.USER, "hi"));
    }

    @Test
    void everyFieldIsRead() {
        GenerationRequest request = parser.parse("""
                {"system": "s", "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}],
                 "model": "gemini-2.5-pro", "temperature": 2, "topP": 0, "topK": 1, "maxOutputTokens": 8192,
                 "stopSequences": ["x", "y"], "responseFormat": "json", "cacheTtlSeconds": 0}""");
        assertThat(request).isEqualTo(new GenerationRequest("gemini-2.5-pro", "s", null,
                List.of(new Message(Message.Role.USER, "a"), new Message(Message.Role.ASSISTANT, "b")),
                2.0, 0.0, 1, 8192, List.of("x", "y"), GenerationRequest.ResponseFormat.JSON, 0));
    }

    @Test
    void nullMeansLeftOut() {
        assertThat(parser.parse("{\"prompt\": \"hi\", \"temperature\": null, \"system\": null}").temperature()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"prompt": 1}                                          | prompt            | must be a string
            {"prompt": "  "}                                       | prompt            | must not be blank
            {}                                                     | prompt            | required
            {"prompt": "a", "messages": [{"role":"user","content":"b"}]} | prompt      | not both
            {"messages": []}                                       | messages          | non-empty array
            {"messages": "hi"}                                     | messages          | non-empty array
            {"messages": [{"role": "system", "content": "x"}]}     | messages[0].role  | "user" or "assistant"
            {"messages": [{"role": "user", "content": 3}]}         | messages[0].content | non-blank string
            {"messages": [{"role": "user", "content": "x", "name": "n"}]} | messages[0].name | unknown field
            {"messages": ["hi"]}                                   | messages[0]       | must be an object
            {"prompt": "a", "model": "gpt-4"}                      | model             | unknown model 'gpt-4'
            {"prompt": "a", "temperature": 2.01}                   | temperature       | between 0 and 2
            {"prompt": "a", "temperature": "hot"}                  | temperature       | must be a number
            {"prompt": "a", "topP": 1.5}                           | topP              | between 0 and 1
            {"prompt": "a", "topK": 0}                             | topK              | at least 1
            {"prompt": "a", "topK": 1.5}                           | topK              | must be an integer
            {"prompt": "a", "maxOutputTokens": 8193}               | maxOutputTokens   | between 1 and 8192
            {"prompt": "a", "maxOutputTokens": 99999999999999999999} | maxOutputTokens | between 1 and 8192
            {"prompt": "a", "stopSequences": ["1","2","3","4","5","6"]} | stopSequences | at most 5
            {"prompt": "a", "stopSequences": [""]}                 | stopSequences[0]  | non-empty string
            {"prompt": "a", "stopSequences": "END"}                | stopSequences     | array of strings
            {"prompt": "a", "responseFormat": "xml"}               | responseFormat    | "text" or "json"
            {"prompt": "a", "cacheTtlSeconds": 86401}              | cacheTtlSeconds   | between 0 and 86400
            {"prompt": "a", "cacheTtlSeconds": -1}                 | cacheTtlSeconds   | between 0 and 86400
            {"prompt": "a", "temprature": 1}                       | temprature        | unknown field
            {"prompt": "\\u0000\\u0001\\u007f"}                     | prompt            | must not be blank
            {"prompt": "\\u200b\\u2060\\u3000"}                     | prompt            | must not be blank
            {"prompt": "a", "system": "\\u0001\\t\\u0085"}            | system            | must not be blank
            {"messages": [{"role": "user", "content": "\\u0002"}]}   | messages[0].content | non-blank string
            """)
    void eachInvalidFieldIsNamed(String body, String field, String message) {
        Problem problem = problemFor(body);
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.slug()).isEqualTo("invalid-request");
        assertThat(problem.errors()).anySatisfy(error -> {
            assertThat(error.field()).isEqualTo(field);
            assertThat(error.message()).contains(message);
        });
    }

    @Test
    void allInvalidFieldsAreReportedAtOnce() {
        Problem problem = problemFor("{\"prompt\": 1, \"temperature\": 9, \"topK\": -1}");
        assertThat(problem.errors()).extracting(Problem.FieldError::field)
                .containsExactlyInAnyOrder("prompt", "temperature", "topK");
        assertThat(problem.detail()).contains("3 fields");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"prompt": "a", "prompt": "b"}  | Duplicate field 'prompt'
            {"prompt": "a"                  | line 1
            not json                        | not valid JSON
            {"prompt": "a"} trailing        | column 17
            {"prompt": "a"} {"prompt": "b"} | Trailing token
            {"prompt": "a"} 7               | Trailing token
            {"prompt": "\\ud800"}           | prompt holds a lone UTF-16 surrogate
            {"prompt": "ok \\udfff ok"}     | prompt holds a lone UTF-16 surrogate
            {"messages": [{"role": "user", "content": "\\udbff"}]} | messages[0].content holds a lone
            {"\\ud800": "a"}                | a field name holds a lone
            """)
    void malformedJsonIsA400WithWhereItBroke(String body, String detail) {
        Problem problem = problemFor(body);
        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.slug()).isEqualTo("malformed-json");
        assertThat(problem.detail()).contains(detail);
    }

    @Test
    void aSurrogatePairIsValidUnicodeAndTextWithOneVisibleCharacterIsNotBlank() {
        assertThat(parser.parse("{\"prompt\": \"\\ud83d\\ude00\"}").prompt()).isEqualTo("\ud83d\ude00");
        assertThat(parser.parse("{\"prompt\": \"\\u0000 x \\u0000\"}").prompt()).isEqualTo("\u0000 x \u0000");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            []
            "prompt"
            42
            """)
    void aBodyThatIsNotAnObjectIsA400(String body) {
        assertThat(problemFor(body).detail()).contains("must be a JSON object");
    }

    @Test
    void aPromptOverTheLimitIsA413CountingSystemAndAllMessages() {
        assertThat(parser.parse("{\"prompt\": \"" + "x".repeat(50) + "\"}").prompt()).hasSize(50);
        Problem problem = problemFor("{\"system\": \"" + "s".repeat(30) + "\", \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"" + "u".repeat(15) + "\"},"
                + "{\"role\": \"assistant\", \"content\": \"" + "a".repeat(6) + "\"}]}");
        assertThat(problem.status()).isEqualTo(413);
        assertThat(problem.detail()).contains("51 characters").contains("limit is 50");
    }

    @Test
    void fieldErrorsInsideABatchCarryTheirPath() throws Exception {
        var node = dev.genapi.core.encoding.Json.MAPPER.readTree("{\"prompt\": 3}");
        assertThatThrownBy(() -> parser.parse(node, "requests[7]."))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().errors())
                        .extracting(Problem.FieldError::field).containsExactly("requests[7].prompt"));
    }
}
