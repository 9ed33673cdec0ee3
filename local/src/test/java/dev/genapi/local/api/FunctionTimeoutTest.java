package dev.genapi.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FunctionTimeoutTest {

    @Test
    void anInvocationWithinItsLimitAnswers() {
        assertThat(FunctionTimeout.run("Fast", Duration.ofSeconds(5), () -> "answer")).isEqualTo("answer");
    }

    @Test
    void anInvocationPastItsLimitIsAbandonedThereAndInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        long start = System.nanoTime();
        assertThatThrownBy(() -> FunctionTimeout.run("Slow", Duration.ofMillis(300), () -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return "too late";
        })).isInstanceOf(FunctionTimeout.TimedOutException.class).hasMessageContaining("Slow: Task timed out after 0.3 seconds");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void whatTheInvocationThrowsIsThrownAsIs() {
        assertThatThrownBy(() -> FunctionTimeout.run("Failing", Duration.ofSeconds(5), () -> {
            throw new IllegalArgumentException("its own failure");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("its own failure");
    }
}
