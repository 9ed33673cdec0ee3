package dev.genapi.core.jobs;

/** A job as a batch lists it (what the batch index projects). */
public record JobSummary(String id, String customId, JobStatus status, int batchIndex) {
}
