package dev.genapi.core.encoding;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemType;
import java.util.Iterator;
import java.util.Map;

/**
 * The one configured ObjectMapper, strict the way an API's input must be: a duplicate key
 * ({@code {"prompt":"a","prompt":"b"}}) and anything after the document (trailing text, a second document)
 * are errors, not silently dropped.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN); // costs as 0.0003, not 3E-4

    /**
     * Input that is not one well-formed JSON document of valid Unicode. Its message says where; {@link
     * #detail()} adds the parser's own words, which may quote the input (for the caller, never for a log).
     */
    public static final class MalformedJsonException extends Exception {
        private final String detail;

        MalformedJsonException(String where, String detail) {
            super(where, null, false, false);
            this.detail = detail;
        }

        MalformedJsonException(String where) {
            this(where, where);
        }

        public String detail() {
            return detail;
        }
    }

    private Json() {
    }

    /**
     * Parses one JSON document whose strings are valid Unicode: escaped lone UTF-16 surrogates
     * ({@code "\ud800"}) are refused, as RFC 7493 (I-JSON) requires, since no model or store can take them.
     */
    public static JsonNode parseStrict(String text) throws MalformedJsonException {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new MalformedJsonException("not valid JSON" + where, "not valid JSON" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new MalformedJsonException("empty");
        }
        String invalid = firstInvalidUnicode(root, "");
        if (invalid != null) {
            throw new MalformedJsonException("not valid Unicode: " + invalid + " holds a lone UTF-16 surrogate");
        }
        return root;
    }

    /** Parses a request body, or answers 400 saying what is wrong with it. */
    public static JsonNode parseBody(String body) {
        try {
            return parseStrict(body);
        } catch (MalformedJsonException e) {
            throw Problem.of(ProblemType.MALFORMED_JSON, "The request body is " + e.detail()).toException();
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

    /** The path of the first string or field name with an unpaired surrogate, or null. */
    private static String firstInvalidUnicode(JsonNode node, String path) {
        if (node.isTextual()) {
            return Text.hasLoneSurrogate(node.textValue()) ? (path.isEmpty() ? "the document" : path) : null;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (Text.hasLoneSurrogate(field.getKey())) {
                    return "a field name";
                }
                String found = firstInvalidUnicode(field.getValue(), at);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = firstInvalidUnicode(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
