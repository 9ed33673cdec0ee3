package dev.genapi.core.problem;

import java.util.List;

/** The problems several endpoints share, with their standard details. */
public final class Problems {

    private Problems() {
    }

    public static Problem invalidFields(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid; see errors.";
        return new Problem(ProblemType.INVALID_REQUEST, detail, errors, null, null);
    }

    public static Problem invalidField(String field, String message) {
        return invalidFields(List.of(new Problem.FieldError(field, message)));
    }

    public static Problem methodNotAllowed(String method, String allowed) {
        return new Problem(ProblemType.METHOD_NOT_ALLOWED,
                "Method " + method + " is not allowed here; use " + allowed + ".", List.of(), null, allowed);
    }

    public static Problem serviceUnavailable() {
        return Problem.of(ProblemType.SERVICE_UNAVAILABLE,
                "A storage or queue service did not answer; try again shortly.").withRetryAfter(5);
    }

    public static Problem internalError() {
        return Problem.of(ProblemType.INTERNAL_ERROR,
                "The request failed unexpectedly. Quote the requestId if you report it.");
    }
}
