package dev.genapi.core.problem;

import java.util.List;

/**
 * An RFC 9457 problem: the body of every error response, plus the headers that belong with it.
 *
 * @param retryAfter   seconds for a {@code Retry-After} header, or null
 * @param allow        methods for an {@code Allow} header (405), or null
 * @param errors       one entry per invalid field, or empty
 */
public record Problem(ProblemType type, String detail, List<FieldError> errors, Integer retryAfter, String allow) {

    public record FieldError(String field, String message) {
    }

    public Problem {
        errors = List.copyOf(errors);
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type, detail, List.of(), null, null);
    }

    public Problem withRetryAfter(int seconds) {
        return new Problem(type, detail, errors, seconds, allow);
    }

    public int status() {
        return type.status();
    }

    public String slug() {
        return type.slug();
    }

    public String title() {
        return type.title();
    }

    public ProblemException toException() {
        return new ProblemException(this);
    }
}
