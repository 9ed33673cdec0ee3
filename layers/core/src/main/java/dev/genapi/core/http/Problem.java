package dev.genapi.core.http;

import java.util.List;

/**
 * An RFC 9457 problem: the body of every error response, plus the headers that belong with it.
 *
 * @param slug         the last part of the problem type URI ({@code urn:genapi:problem:<slug>})
 * @param retryAfter   seconds for a {@code Retry-After} header, or null
 * @param allow        methods for an {@code Allow} header (405), or null
 * @param errors       one entry per invalid field, or empty
 */
public record Problem(int status, String slug, String title, String detail, List<FieldError> errors,
                      Integer retryAfter, String allow) {

    public static final String TYPE_PREFIX = "urn:genapi:problem:";

    public record FieldError(String field, String message) {
    }

    public Problem {
        errors = List.copyOf(errors);
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(status, slug, title, detail, List.of(), null, null);
    }

    public Problem withRetryAfter(int seconds) {
        return new Problem(status, slug, title, detail, errors, seconds, allow);
    }

    public String type() {
        return TYPE_PREFIX + slug;
    }

    public ProblemException toException() {
        return new ProblemException(this);
    }
}
