package dev.genapi.core.cache;

import dev.genapi.core.generation.GenerationRequest;
import dev.genapi.core.generation.Message;
import dev.genapi.core.encoding.Digests;
import java.math.BigDecimal;
import java.util.List;

/**
 * The cache key: SHA-256 over a canonical form of everything that changes the model's output, and of the
 * caller's scope. The canonical form is built from the parsed request, so JSON whitespace and field order
 * never matter, while any difference in model, system, prompt or messages, any generation parameter or the
 * response format does. Each value is length-prefixed, so no two different requests share a form.
 * {@code cacheTtlSeconds} is not part of it: it changes how long a result is kept, not the result.
 */
public final class CacheKey {

    /** Bump when the canonical form changes, so old entries are never read with a new meaning. */
    static final String VERSION = "v2"; // v2: maxOutputTokens always resolved

    private CacheKey() {
    }

    public static String of(GenerationRequest request, String scope) {
        StringBuilder form = new StringBuilder();
        field(form, "scope", scope);
        field(form, "model", request.model());
        field(form, "system", request.system());
        field(form, "input", request.prompt() != null ? "prompt" : "messages");
        for (Message message : request.conversation()) {
            field(form, "role", message.role().name());
            field(form, "content", message.content());
        }
        field(form, "temperature", decimal(request.temperature()));
        field(form, "topP", decimal(request.topP()));
        field(form, "topK", request.topK() == null ? null : request.topK().toString());
        field(form, "maxOutputTokens", Integer.toString(request.maxOutputTokens()));
        List<String> stops = request.stopSequences();
        field(form, "stopSequences", stops == null ? null : Integer.toString(stops.size()));
        if (stops != null) {
            stops.forEach(stop -> field(form, "stop", stop));
        }
        field(form, "responseFormat", request.responseFormat().name());
        return VERSION + ":" + Digests.sha256Hex(form.toString());
    }

    private static void field(StringBuilder form, String name, String value) {
        form.append(name).append(':');
        if (value == null) {
            form.append('-');
        } else {
            form.append(value.length()).append(':').append(value);
        }
        form.append(';');
    }

    /** 0.7, 0.70 and 7e-1 are one number. */
    private static String decimal(Double value) {
        return value == null ? null : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
