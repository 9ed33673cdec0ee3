package dev.genapi.bench;

import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.local.Handlers;
import dev.genapi.local.LocalEnvironment;
import dev.genapi.local.aws.LocalSqs;
import dev.genapi.local.aws.MotoServer;
import dev.genapi.local.sqs.SqsEventSource;
import dev.genapi.local.template.FunctionSpec;
import dev.genapi.local.template.SamTemplate;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The worker's throughput on ElasticMQ with the model taking a fixed 200 ms, polled the way the template's
 * event source mapping polls (batch size, maximum concurrency), against the ideal those settings allow:
 * concurrency × records run at once per invocation ÷ model latency.
 */
final class Throughput {

    static final Duration MODEL_LATENCY = Duration.ofMillis(200);

    /** {@code cpuBusy}: the share of all cores this process kept busy while the jobs ran. */
    record Result(int jobs, double seconds, int concurrency, int batchSize, int parallelism, double cpuBusy) {
        double jobsPerSecond() {
            return jobs / seconds;
        }

        double ideal() {
            return concurrency * (double) Math.min(batchSize, parallelism) / (MODEL_LATENCY.toMillis() / 1000.0);
        }
    }

    static Result measure(SamTemplate template, MotoServer dynamoDb, LocalSqs sqs, SqsClient sqsClient,
                          DynamoDbClient dynamo, int jobs) throws InterruptedException {
        FunctionSpec worker = template.function("WorkerFunction");
        FunctionSpec.SqsTrigger trigger = worker.sqsTriggers().get(0);
        Map<String, String> env = new HashMap<>(LocalEnvironment.of(worker, dynamoDb.endpoint(), sqs.endpoint(),
                Map.of("OFFLINE_MODEL_LATENCY_MS", Long.toString(MODEL_LATENCY.toMillis()))));
        String queueUrl = String.valueOf(template.resolve(Map.of("Ref", trigger.queueLogicalId())));
        JobStore store = JobStore.from(new Env(env), dynamo, Clock.systemUTC());
        int parallelism = Integer.parseInt(env.getOrDefault("WORKER_PARALLELISM", "1"));
        try (SqsEventSource source = new SqsEventSource(sqsClient, queueUrl, template.queueArn(trigger.queueLogicalId()),
                worker, trigger, () -> Handlers.sqs(worker, env))) {
            // A warm fleet: every container has run a few jobs (classes loaded, JIT begun) before the clock starts.
            List<String> warmUp = enqueue(sqsClient, queueUrl, trigger.maximumConcurrency() * trigger.batchSize() * 2);
            awaitDrained(sqsClient, queueUrl, Duration.ofMinutes(2));
            requireSucceeded(store, warmUp);

            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            List<String> ids = enqueue(sqsClient, queueUrl, jobs);
            awaitDrained(sqsClient, queueUrl, Duration.ofMinutes(5));
            long wallNanos = System.nanoTime() - start;
            double cpuBusy = (processCpuNanos() - cpuStart) / (double) wallNanos / Runtime.getRuntime().availableProcessors();
            requireSucceeded(store, ids);
            return new Result(jobs, wallNanos / 1e9, trigger.maximumConcurrency(), trigger.batchSize(), parallelism, cpuBusy);
        }
    }

    /** Jobs as a producer sends them, ten to a SendMessageBatch; their ids. */
    private static List<String> enqueue(SqsClient sqsClient, String queueUrl, int jobs) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            ids.add("job_" + UUID.randomUUID().toString().replace("-", ""));
        }
        for (int i = 0; i < jobs; i += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (String id : ids.subList(i, Math.min(jobs, i + 10))) {
                entries.add(SendMessageBatchRequestEntry.builder().id(id).messageBody(Json.write(Json.object()
                        .put("jobId", id).set("request", Json.object().put("prompt", "throughput " + id)))).build());
            }
            sqsClient.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        }
        return ids;
    }

    /**
     * Until the queue holds nothing, visible or in flight: the event source deletes a record only after the
     * worker has finished it. Asking the queue costs the emulators far less than reading every job would.
     */
    private static void awaitDrained(SqsClient sqsClient, String queueUrl, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Map<QueueAttributeName, String> counts = sqsClient.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            if (counts.values().stream().allMatch("0"::equals)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not drain its queue in " + limit + ": " + counts);
            }
            Thread.sleep(20);
        }
    }

    /** Every job succeeded, read as the status route reads them (a drained queue alone would not show it). */
    private static void requireSucceeded(JobStore store, List<String> ids) {
        long unfinished = ids.stream().map(store::find)
                .filter(job -> job.isEmpty() || job.get().status() != JobStatus.SUCCEEDED).count();
        if (unfinished > 0) {
            throw new IllegalStateException(unfinished + " of " + ids.size() + " jobs did not succeed");
        }
    }

    /** CPU time of this whole process: the emulators, the pollers and the workers all run in it. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
