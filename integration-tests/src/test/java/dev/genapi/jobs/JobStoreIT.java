package dev.genapi.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genapi.core.caller.Caller;
import dev.genapi.core.generation.Generation;
import dev.genapi.core.generation.Usage;
import dev.genapi.core.jobs.IdempotencyKeys;
import dev.genapi.core.jobs.Ids;
import dev.genapi.core.jobs.Job;
import dev.genapi.core.jobs.JobAttempts;
import dev.genapi.core.jobs.JobError;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.jobs.JobsTable;
import dev.genapi.testing.AwsBackend;
import dev.genapi.testing.AwsEmulators;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The job store's guarded transitions, on the DynamoDB emulator: the ones no end-to-end test can time. */
@ExtendWith(AwsEmulators.class)
class JobStoreIT {

    static AwsBackend backend;
    static JobStore jobs;
    static JobAttempts attempts;
    static IdempotencyKeys keys;
    static final JobError ERROR = new JobError("model-error", "down", true);

    @BeforeAll
    static void start(AwsBackend emulators) {
        backend = emulators;
        jobs = store(Duration.ofDays(7));
        attempts = new JobAttempts(jobs.table());
        keys = new IdempotencyKeys(jobs);
    }

    static JobStore store(Duration retention) {
        return new JobStore(new JobsTable(backend.dynamoDb(), backend.tableName("JobsTable"), "ByBatch",
                Clock.systemUTC(), retention));
    }

    static Job queued(JobStore store) {
        Job job = store.newJob(Ids.newJobId(), Optional.empty(), "{\"prompt\": \"p\"}", null, null, null, null);
        store.createIfAbsent(job);
        return job;
    }

    @Test
    void aFailedSendFailsAQueuedJobButNeverOneTheWorkerHas() {
        Job queued = queued(jobs);
        assertThat(jobs.markEnqueueFailed(queued, null)).isTrue();
        assertThat(jobs.find(queued.id()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);

        Job taken = queued(jobs);
        attempts.startAttempt(taken.id(), Duration.ofMinutes(1)).orElseThrow();
        assertThat(jobs.markEnqueueFailed(taken, null)).isFalse();
        assertThat(jobs.find(taken.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
    }

    @Test
    void aDeadLetteredJobOutlivesItsMessageWhateverTheRetention() {
        JobStore shortLived = store(Duration.ofMinutes(1));
        Job job = queued(shortLived);
        Job attempt = new JobAttempts(shortLived.table()).startAttempt(job.id(), Duration.ofMinutes(1)).orElseThrow();
        new JobAttempts(shortLived.table()).fail(attempt, ERROR, true);
        assertThat(shortLived.find(job.id()).orElseThrow().expiresAt())
                .as("SQS keeps a message at most 14 days").isAfter(Instant.now().plus(Duration.ofDays(14)));
    }

    @Test
    void aJobIsMarkedDeadLetteredOnlyWhenNobodyHoldsIt() {
        Job queued = queued(jobs);
        assertThat(attempts.markDeadLettered(queued, ERROR)).isTrue();
        Job marked = jobs.find(queued.id()).orElseThrow();
        assertThat(marked.status()).isEqualTo(JobStatus.FAILED);
        assertThat(marked.deadLettered()).isTrue();

        Job held = queued(jobs);
        attempts.startAttempt(held.id(), Duration.ofMinutes(1)).orElseThrow();
        assertThat(attempts.markDeadLettered(held, ERROR)).isFalse();
        assertThat(jobs.find(held.id()).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

        Job missing = jobs.newJob(Ids.newJobId(), Optional.empty(), "{}", null, null, null, null);
        assertThat(attempts.markDeadLettered(missing, ERROR)).as("no job, nothing created").isFalse();
        assertThat(jobs.find(missing.id())).isEmpty();
    }

    @Test
    void aFailedSendWithAnIdempotencyKeyFreesTheKeyUnlessTheWorkerHasTheJob() {
        String fingerprint = UUID.randomUUID().toString();
        Job first = jobs.newJob(Ids.newJobId(), Optional.of(Caller.ofApiKey("y")), "{}", null, null, null, null);
        keys.createIdempotently(first, "k-" + fingerprint, fingerprint);
        attempts.startAttempt(first.id(), Duration.ofMinutes(1)).orElseThrow();
        assertThat(jobs.markEnqueueFailed(first, "k-" + fingerprint)).isFalse();
        Job replay = jobs.newJob(Ids.newJobId(), Optional.of(Caller.ofApiKey("y")), "{}", null, null, null, null);
        assertThat(keys.createIdempotently(replay, "k-" + fingerprint, fingerprint))
                .as("the key still names the running job").isInstanceOf(IdempotencyKeys.IdempotentCreate.Replayed.class);
    }

    @Test
    void anIdempotencyKeyWhoseJobHasExpiredIsFree() {
        java.time.Instant start = Instant.now();
        dev.genapi.testing.MutableClock clock = new dev.genapi.testing.MutableClock(start);
        JobStore shortLived = new JobStore(new JobsTable(backend.dynamoDb(), backend.tableName("JobsTable"), "ByBatch", clock,
                Duration.ofMinutes(1)));
        String key = "stale-" + UUID.randomUUID();
        Job old = shortLived.newJob(Ids.newJobId(), Optional.of(Caller.ofApiKey("z")), "{}", null, null, null, null);
        new IdempotencyKeys(shortLived).createIdempotently(old, key, "same");
        clock.advance(Duration.ofMinutes(2));
        Job next = shortLived.newJob(Ids.newJobId(), Optional.of(Caller.ofApiKey("z")), "{}", null, null, null, null);
        assertThat(new IdempotencyKeys(shortLived).createIdempotently(next, key, "same")).isInstanceOf(IdempotencyKeys.IdempotentCreate.Created.class);
    }

    @Test
    void aSucceededJobKeepsItsResultAndDropsItsRequest() {
        Job job = queued(jobs);
        Job attempt = attempts.startAttempt(job.id(), Duration.ofMinutes(1)).orElseThrow();
        Generation generation = new Generation("gen_1", "m", "answer", "STOP", new Usage(1, 2, 3, 0),
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(attempts.succeed(attempt, generation, false)).isTrue();
        Job done = jobs.find(job.id()).orElseThrow();
        assertThat(done.result()).isEqualTo(generation);
        assertThat(done.request()).isNull();
        assertThat(attempts.succeed(attempt, generation, false)).as("the attempt no longer holds the job").isFalse();
    }

    @Test
    void anIdempotencyKeyIsNeverKeptLongerThanItsJob() {
        JobStore shortLived = store(Duration.ofMinutes(1));
        String fingerprint = UUID.randomUUID().toString();
        Job job = shortLived.newJob(Ids.newJobId(), Optional.of(Caller.ofApiKey("x")), "{}", null, null, null, null);
        assertThat(new IdempotencyKeys(shortLived).createIdempotently(job, "key", fingerprint)).isInstanceOf(IdempotencyKeys.IdempotentCreate.Created.class);
        var items = backend.dynamoDb().scan(r -> r.tableName(backend.tableName("JobsTable"))
                .filterExpression("fingerprint = :f")
                .expressionAttributeValues(Map.of(":f", AttributeValue.fromS(fingerprint)))).items();
        assertThat(items).singleElement().satisfies(item -> assertThat(Long.parseLong(item.get("expiresAt").n()))
                .isLessThanOrEqualTo(Instant.now().plus(Duration.ofMinutes(1)).getEpochSecond() + 1));
    }
}
