package dev.genapi.core.http;

import java.util.List;

/** The problems every endpoint shares. Model failures have their own mapping in the model package. */
public final class Problems {

    private Problems() {
    }

    public static Problem badRequest(String slug, String title, String detail) {
        return Problem.of(400, slug, title, detail);
    }

    public static Problem invalidFields(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid; see errors.";
        return new Problem(400, "invalid-request", "Invalid request", detail, errors, null, null);
    }

    public static Problem contentTooLarge(String detail) {
        return Problem.of(413, "content-too-large", "Content too large", detail);
    }

    public static Problem unsupportedMediaType(String detail) {
        return Problem.of(415, "unsupported-media-type", "Unsupported media type", detail);
    }

    public static Problem methodNotAllowed(String method, String allowed) {
        return new Problem(405, "method-not-allowed", "Method not allowed",
                "Method " + method + " is not allowed here; use " + allowed + ".", List.of(), null, allowed);
    }

    public static Problem notFound(String detail) {
        return Problem.of(404, "not-found", "Not found", detail);
    }

    public static Problem serviceUnavailable() {
        return Problem.of(503, "service-unavailable", "Service unavailable",
                "A storage or queue service did not answer; try again shortly.").withRetryAfter(5);
    }

    public static Problem internalError() {
        return Problem.of(500, "internal-error", "Internal error",
                "The request failed unexpectedly. Quote the requestId if you report it.");
    }
}
