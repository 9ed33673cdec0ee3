package dev.genapi.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-24T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();
    final List<String> changes = new ArrayList<>();
    final CircuitBreaker breaker = new CircuitBreaker("gemini:gemini-2.5-flash",
            new CircuitBreaker.Settings(3, Duration.ofSeconds(30), Duration.ofSeconds(20)), clock,
            (target, from, to, until) -> changes.add(target + " " + from + "->" + to + (until == null ? "" : " until " + until)));

    @Test
    void consecutiveTransientFailuresWithinTheWindowOpenIt() {
        breaker.failed(null);
        breaker.failed(null);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.failed(null);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).as("skipped at once while open").isFalse();
        assertThat(breaker.openUntil()).isEqualTo(clock.now.plusSeconds(20));
        assertThat(changes).containsExactly("gemini:gemini-2.5-flash CLOSED->OPEN until 2026-11-24T12:00:20Z");
    }

    @Test
    void aSuccessOrAnOldFailureStartsTheCountAgain() {
        breaker.failed(null);
        breaker.failed(null);
        breaker.succeeded();
        breaker.failed(null);
        breaker.failed(null);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        clock.advance(Duration.ofSeconds(31));
        breaker.failed(null);
        assertThat(breaker.state()).as("the earlier two are outside the window").isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void afterTheCoolDownOneProbeGoesThroughAndItsSuccessClosesTheCircuit() {
        open();
        clock.advance(Duration.ofSeconds(20));
        assertThat(breaker.tryAcquire()).as("the probe").isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).as("no second call while the probe is out").isFalse();
        breaker.succeeded();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(changes).containsExactly("gemini:gemini-2.5-flash CLOSED->OPEN until 2026-11-24T12:00:20Z",
                "gemini:gemini-2.5-flash OPEN->HALF_OPEN", "gemini:gemini-2.5-flash HALF_OPEN->CLOSED");
    }

    @Test
    void aFailedProbeOpensItAgainForAnotherCoolDown() {
        open();
        clock.advance(Duration.ofSeconds(20));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.failed(null);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.openUntil()).isEqualTo(clock.now.plusSeconds(20));
    }

    @Test
    void aRetryAfterOpensItAtOnceForAtLeastThatLong() {
        breaker.failed(Duration.ofSeconds(90));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(89));
        assertThat(breaker.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aShortRetryAfterOpensItForThatLongButAFailedProbeForTheWholeCoolDown() {
        breaker.failed(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(breaker.tryAcquire()).as("the probe after 2 s").isTrue();
        breaker.failed(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(19));
        assertThat(breaker.tryAcquire()).as("a failed probe rests the whole cool-down").isFalse();
    }

    @Test
    void onlyOneOfManyConcurrentCallersProbes() throws Exception {
        open();
        clock.advance(Duration.ofSeconds(20));
        AtomicInteger let = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 16; i++) {
            pool.submit(() -> {
                start.await();
                if (breaker.tryAcquire()) {
                    let.incrementAndGet();
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(let).hasValue(1);
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.failed(null);
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
