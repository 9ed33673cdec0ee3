package dev.genapi.core.generation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.encoding.Text;
import dev.genapi.core.generation.GenerationRequest.ResponseFormat;
import dev.genapi.core.problem.Problem.FieldError;
import dev.genapi.core.problem.Problem;
import dev.genapi.core.problem.ProblemException;
import dev.genapi.core.problem.ProblemType;
import dev.genapi.core.problem.Problems;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Turns a request body into a {@link GenerationRequest}, reporting every invalid field at once (400), and
 * a prompt over the configured size as 413. Unknown fields are errors, so a misspelt parameter is never
 * silently ignored.
 */
public final class GenerationRequestParser {

    static final int MAX_MESSAGES = 1_000;
    static final int MAX_STOP_SEQUENCES = 5;
    /** The most output tokens (the model's thinking included) a request may ask for, and what it gets by default. */
    public static final int MAX_OUTPUT_TOKENS = 8_192;
    private static final Set<String> FIELDS = Set.of("prompt", "messages", "system", "model", "temperature",
            "topP", "topK", "maxOutputTokens", "stopSequences", "responseFormat", "cacheTtlSeconds");

    private final GenerationConfig config;

    public GenerationRequestParser(GenerationConfig config) {
        this.config = config;
    }

    public GenerationRequest parse(String body) {
        return parse(Json.parseBody(body), "");
    }

    /**
     * @param path prefix for field names in errors, e.g. {@code "requests[3]."} inside a batch
     */
    public GenerationRequest parse(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw Problem.of(ProblemType.INVALID_REQUEST, (path.isEmpty() ? "The request body" : path.substring(0, path.length() - 1))
                            + " must be a JSON object.").toException();
        }
        Fields fields = new Fields(node, path);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                fields.error(name, "unknown field; allowed fields are " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        String prompt = fields.text("prompt");
        List<Message> messages = fields.messages("messages");
        if (prompt != null && messages != null) {
            fields.error("prompt", "give either prompt or messages, not both");
        } else if (prompt == null && messages == null && !fields.present("prompt") && !fields.present("messages")) {
            fields.error("prompt", "required: give prompt (a string) or messages (an array)");
        }
        String system = fields.text("system");
        String model = fields.text("model");
        if (model == null) {
            model = config.defaultModel();
        } else if (!config.allowedModels().contains(model)) {
            fields.error("model", "unknown model '" + model + "'; allowed: " + String.join(", ", config.allowedModels()));
        }
        Double temperature = fields.number("temperature", 0, 2);
        Double topP = fields.number("topP", 0, 1);
        Integer topK = fields.integer("topK", 1, Integer.MAX_VALUE);
        Integer maxOutputTokens = fields.integer("maxOutputTokens", 1, MAX_OUTPUT_TOKENS);
        List<String> stopSequences = fields.stopSequences("stopSequences");
        ResponseFormat responseFormat = fields.responseFormat("responseFormat");
        Integer ttl = fields.integer("cacheTtlSeconds", 0, config.maxCacheTtlSeconds());

        if (!fields.errors.isEmpty()) {
            throw Problems.invalidFields(fields.errors).toException();
        }
        GenerationRequest request = new GenerationRequest(model, system, prompt, messages, temperature, topP, topK,
                maxOutputTokens == null ? MAX_OUTPUT_TOKENS : maxOutputTokens, stopSequences, responseFormat == null ? ResponseFormat.TEXT : responseFormat,
                ttl == null ? config.defaultCacheTtlSeconds() : ttl);
        requireWithinSizeLimit(request, path);
        return request;
    }

    private void requireWithinSizeLimit(GenerationRequest request, String path) {
        long chars = request.system() == null ? 0 : request.system().length();
        for (Message message : request.conversation()) {
            chars += message.content().length();
        }
        if (chars > config.maxPromptChars()) {
            throw new ProblemException(Problem.of(ProblemType.CONTENT_TOO_LARGE, (path.isEmpty() ? "The prompt" : path + "prompt")
                    + " is " + chars + " characters (system and all messages); the limit is "
                    + config.maxPromptChars() + "."));
        }
    }

    /** Typed reads of one object's fields; each failed check records an error and yields null. */
    private static final class Fields {
        private final JsonNode node;
        private final String path;
        private final List<FieldError> errors = new ArrayList<>();

        Fields(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }

        void error(String field, String message) {
            errors.add(new FieldError(path + field, message));
        }

        boolean present(String field) {
            JsonNode value = node.get(field);
            return value != null && !value.isNull();
        }

        private JsonNode value(String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value;
        }

        String text(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (!value.isTextual()) {
                error(field, "must be a string");
                return null;
            }
            if (!Text.hasVisibleCharacter(value.asText())) {
                error(field, "must not be blank (white space and control characters only)");
                return null;
            }
            return value.asText();
        }

        Double number(String field, double min, double max) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
                error(field, "must be a number");
                return null;
            }
            double number = value.doubleValue();
            if (number < min || number > max) {
                error(field, "must be between " + format(min) + " and " + format(max));
                return null;
            }
            return number;
        }

        Integer integer(String field, int min, int max) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (!value.isIntegralNumber()) {
                error(field, "must be an integer");
                return null;
            }
            if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
                error(field, max == Integer.MAX_VALUE ? "must be at least " + min : "must be between " + min + " and " + max);
                return null;
            }
            return value.intValue();
        }

        List<String> stopSequences(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (!value.isArray()) {
                error(field, "must be an array of strings");
                return null;
            }
            if (value.size() > MAX_STOP_SEQUENCES) {
                error(field, "at most " + MAX_STOP_SEQUENCES + " stop sequences");
                return null;
            }
            List<String> sequences = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (!item.isTextual() || item.asText().isEmpty()) {
                    error(field + "[" + i + "]", "must be a non-empty string");
                    return null;
                }
                sequences.add(item.asText());
            }
            return sequences;
        }

        ResponseFormat responseFormat(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (value.isTextual() && value.asText().equals("text")) {
                return ResponseFormat.TEXT;
            }
            if (value.isTextual() && value.asText().equals("json")) {
                return ResponseFormat.JSON;
            }
            error(field, "must be \"text\" or \"json\"");
            return null;
        }

        List<Message> messages(String field) {
            JsonNode value = value(field);
            if (value == null) {
                return null;
            }
            if (!value.isArray() || value.isEmpty()) {
                error(field, "must be a non-empty array of {role, content} objects");
                return null;
            }
            if (value.size() > MAX_MESSAGES) {
                error(field, "at most " + MAX_MESSAGES + " messages");
                return null;
            }
            List<Message> messages = new ArrayList<>();
            boolean valid = true;
            for (int i = 0; i < value.size(); i++) {
                String at = field + "[" + i + "]";
                JsonNode item = value.get(i);
                if (!item.isObject()) {
                    error(at, "must be an object with role and content");
                    valid = false;
                    continue;
                }
                for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    if (!name.equals("role") && !name.equals("content")) {
                        error(at + "." + name, "unknown field; a message has role and content");
                        valid = false;
                    }
                }
                JsonNode role = item.get("role");
                Message.Role parsedRole = null;
                if (role != null && role.isTextual() && role.asText().equals("user")) {
                    parsedRole = Message.Role.USER;
                } else if (role != null && role.isTextual() && role.asText().equals("assistant")) {
                    parsedRole = Message.Role.ASSISTANT;
                } else {
                    error(at + ".role", "must be \"user\" or \"assistant\"");
                    valid = false;
                }
                JsonNode content = item.get("content");
                if (content == null || !content.isTextual() || !Text.hasVisibleCharacter(content.asText())) {
                    error(at + ".content", "must be a non-blank string (not only white space and control characters)");
                    valid = false;
                } else if (parsedRole != null) {
                    messages.add(new Message(parsedRole, content.asText()));
                }
            }
            return valid ? messages : null;
        }

        private static String format(double value) {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
