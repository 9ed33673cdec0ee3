package dev.genapi.worker;

import dev.genapi.core.config.Env;
import java.time.Duration;

/**
 * The worker's settings (names as in template.yaml).
 *
 * @param maxReceiveCount the queue's RedrivePolicy maxReceiveCount: the attempt that reaches it is the last
 * @param lease           how long an attempt holds its job; longer than the function's timeout, so a lapsed
 *                        lease means the attempt is dead
 * @param parallelism     records of one batch processed at once
 * @param twinWait        how long a job whose identical twin is generating first waits to come back; doubled
 *                        on each later delivery
 */
record WorkerConfig(String queueUrl, int maxReceiveCount, Duration lease, Duration retryBaseDelay,
                    Duration retryMaxDelay, int parallelism, Duration twinWait) {

    static WorkerConfig from(Env env) {
        return new WorkerConfig(env.require("JOBS_QUEUE_URL"),
                env.intValue("MAX_RECEIVE_COUNT", 5, 1, 1_000),
                env.seconds("JOB_LEASE_SECONDS", 905, 1, 43_200),
                env.seconds("RETRY_BASE_DELAY_SECONDS", 2, 0, 3_600),
                env.seconds("RETRY_MAX_DELAY_SECONDS", 300, 0, 43_200),
                env.intValue("WORKER_PARALLELISM", 4, 1, 10),
                env.seconds("TWIN_WAIT_SECONDS", 10, 1, 900));
    }

    /**
     * Whether a delivery may still wait for a twin: not on the last two, which are kept for the job's own
     * attempt and one retry, so that waiting never sends a job to the dead-letter queue.
     */
    boolean mayWaitForTwin(int receiveCount) {
        return receiveCount < maxReceiveCount - 1;
    }

    /** Seconds until the delivery after {@code receiveCount} looks for its twin's answer again. */
    int twinWaitSeconds(int receiveCount) {
        return (int) Math.min(900, twinWait.toSeconds() << Math.min(10, Math.max(0, receiveCount - 1)));
    }
}
