package dev.genapi.core.jobs;

import dev.genapi.core.problem.ProblemType;

/**
 * Why a job's last attempt failed.
 *
 * @param code      a problem type's slug, e.g. {@code model-rate-limited}
 * @param retryable whether the same request may succeed later
 */
public record JobError(String code, String message, boolean retryable) {

    public static JobError of(ProblemType type, String message, boolean retryable) {
        return new JobError(type.slug(), message, retryable);
    }
}
