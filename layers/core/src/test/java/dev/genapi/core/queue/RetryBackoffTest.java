package dev.genapi.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The delays the worker gives failed jobs, and the webhook function failed deliveries. */
class RetryBackoffTest {

    final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(300), new Random(7));

    @Test
    void delaysGrowExponentiallyWithJitterUpToTheMaximum() {
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.seconds(1, null)).isBetween(1, 2);
            assertThat(backoff.seconds(2, null)).isBetween(2, 4);
            assertThat(backoff.seconds(4, null)).isBetween(8, 16);
            assertThat(backoff.seconds(30, null)).isBetween(150, 300);
        }
    }

    @Test
    void jitterSpreadsJobsThatFailedTogether() {
        assertThat(java.util.stream.IntStream.range(0, 50).map(i -> backoff.seconds(6, null)).distinct().count())
                .isGreaterThan(10);
    }

    @Test
    void theModelsRetryAfterIsAFloorCappedBySqsMaximum() {
        assertThat(backoff.seconds(1, 5)).isEqualTo(5);
        assertThat(backoff.seconds(1, 100_000)).isEqualTo(12 * 3600);
        assertThat(new RetryBackoff(Duration.ZERO, Duration.ZERO, new Random()).seconds(3, null)).isZero();
    }
}
