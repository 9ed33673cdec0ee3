package dev.genapi.core.jobs;

import dev.genapi.core.config.Env;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The jobs table as the stores that share it see it: its client and name, its index by batch, the clock, and
 * how long jobs and batches stay readable.
 *
 * @param batchIndex the table's index on (batchId, batchIndex)
 * @param retention  how long jobs and batches stay readable
 */
public record JobsTable(DynamoDbClient dynamo, String name, String batchIndex, Clock clock, Duration retention) {

    /** From JOBS_TABLE, JOBS_BATCH_INDEX and JOB_RETENTION_SECONDS (names as in template.yaml). */
    public static JobsTable from(Env env, DynamoDbClient dynamo, Clock clock) {
        return new JobsTable(dynamo, env.require("JOBS_TABLE"), env.require("JOBS_BATCH_INDEX"), clock,
                env.seconds("JOB_RETENTION_SECONDS", 7 * 86_400, 60, 365 * 86_400));
    }

    /** The clock's time at DynamoDB's stored precision (milliseconds). */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Waits before try {@code attempt} of a write DynamoDB refused for a concurrent one (none before the first). */
    static void pause(int attempt) {
        if (attempt == 0) {
            return;
        }
        try {
            Thread.sleep(Math.min(1_000, 25L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing jobs", e);
        }
    }
}
