package dev.genapi.core.jobs;

/** Where a job is. SUCCEEDED and FAILED are terminal, except that a dead-lettered FAILED job runs again when redriven. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED
}
