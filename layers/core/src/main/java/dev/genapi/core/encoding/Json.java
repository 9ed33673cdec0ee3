package dev.genapi.core.encoding;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;

/** The one configured ObjectMapper: strict about duplicate keys, so `{"prompt":"a","prompt":"b"}` is an error. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Json() {
    }

    /** Parses a request body, or answers 400 saying where the JSON broke. */
    public static JsonNode parseBody(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw Problem.of(ProblemType.MALFORMED_JSON, "The request body is not valid JSON" + where + ": " + e.getOriginalMessage()).toException();
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode always serialises", e);
        }
    }
}
