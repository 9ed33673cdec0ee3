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
 */
record WorkerConfig(String queueUrl, int maxReceiveCount, Duration lease, Duration retryBaseDelay,
                    Duration retryMaxDelay, int parallelism) {

    static WorkerConfig from(Env env) {
        return new WorkerConfig(env.require("JOBS_QUEUE_URL"),
                env.intValue("MAX_RECEIVE_COUNT", 5, 1, 1_000),
                env.seconds("JOB_LEASE_SECONDS", 905, 1, 43_200),
                env.seconds("RETRY_BASE_DELAY_SECONDS", 2, 0, 3_600),
                env.seconds("RETRY_MAX_DELAY_SECONDS", 300, 0, 43_200),
                env.intValue("WORKER_PARALLELISM", 4, 1, 10));
    }
}
