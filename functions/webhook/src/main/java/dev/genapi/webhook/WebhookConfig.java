package dev.genapi.webhook;

import dev.genapi.core.config.Env;
import java.time.Duration;

/**
 * The webhook function's settings (names as in template.yaml).
 *
 * @param maxReceiveCount the webhook queue's RedrivePolicy maxReceiveCount: the attempt that reaches it is the last
 * @param retryBaseDelay  the wait after the first failed attempt, doubled after each later one
 * @param retryMaxDelay   the longest wait between attempts
 * @param deadline        one delivery's whole time: connecting, TLS, sending and the answer's head
 */
record WebhookConfig(String queueUrl, int maxReceiveCount, Duration retryBaseDelay, Duration retryMaxDelay,
                     Duration connectTimeout, Duration deadline) {

    static WebhookConfig from(Env env) {
        return new WebhookConfig(env.require("WEBHOOK_QUEUE_URL"),
                env.intValue("WEBHOOK_MAX_RECEIVE_COUNT", 8, 1, 1_000),
                env.seconds("WEBHOOK_RETRY_BASE_DELAY_SECONDS", 10, 0, 3_600),
                env.seconds("WEBHOOK_RETRY_MAX_DELAY_SECONDS", 600, 0, 43_200),
                env.seconds("WEBHOOK_CONNECT_TIMEOUT_SECONDS", 3, 1, 30),
                env.seconds("WEBHOOK_TIMEOUT_SECONDS", 10, 1, 60));
    }
}
