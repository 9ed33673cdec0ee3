package dev.genapi.core.queue;

/** What an SQS consumer tells SQS of a record: delete it, or report it failed so that SQS delivers it again. */
public enum Disposition {
    /** Done: SQS deletes it. */
    ACKNOWLEDGE,
    /** Delivered again after the visibility set, or past MaxReceiveCount moved to the dead-letter queue. */
    REPORT_FAILURE
}
