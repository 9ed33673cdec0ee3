package dev.genapi.core.jobs;

/**
 * Why a job's last attempt failed.
 *
 * @param code      a problem type slug, e.g. {@code model-rate-limited}
 * @param retryable whether the same request may succeed later
 */
public record JobError(String code, String message, boolean retryable) {
}
