package dev.genapi.bench;

import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.jobs.JobStatus;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.local.Handlers;
import dev.genapi.local.LocalEnvironment;
import dev.genapi.local.aws.LocalDynamoDb;
import dev.genapi.local.aws.LocalSqs;
import dev.genapi.local.sqs.SqsEventSource;
import dev.genapi.local.template.FunctionSpec;
import dev.genapi.local.template.SamTemplate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The worker's throughput on ElasticMQ with the model taking a fixed 200 ms, polled the way the template's
 * event source mapping polls (batch size, maximum concurrency), against the ideal those settings allow:
 * concurrency × records run at once per invocation ÷ model latency.
 */
final class Throughput {

    static final Duration MODEL_LATENCY = Duration.ofMillis(200);

    record Result(int jobs, double seconds, int concurrency, int batchSize, int parallelism) {
        double jobsPerSecond() {
            return jobs / seconds;
        }

        double ideal() {
            return concurrency * (double) Math.min(batchSize, parallelism) / (MODEL_LATENCY.toMillis() / 1000.0);
        }
    }

    static Result measure(SamTemplate template, LocalDynamoDb dynamoDb, LocalSqs sqs, SqsClient sqsClient,
                          DynamoDbClient dynamo, int jobs) throws InterruptedException {
        FunctionSpec worker = template.function("WorkerFunction");
        FunctionSpec.SqsTrigger trigger = worker.sqsTriggers().get(0);
        Map<String, String> env = new HashMap<>(LocalEnvironment.of(worker, dynamoDb.endpoint(), sqs.endpoint(),
                Map.of("OFFLINE_MODEL_LATENCY_MS", Long.toString(MODEL_LATENCY.toMillis()))));
        String queueUrl = String.valueOf(template.resolve(Map.of("Ref", trigger.queueLogicalId())));
        JobStore store = JobStore.from(new Env(env), dynamo, Clock.systemUTC());
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
        Handlers.sqs(worker, env); // a warm fleet: the JVM has loaded the worker's classes before the clock starts
        long start = System.nanoTime();
        try (SqsEventSource source = new SqsEventSource(sqsClient, queueUrl, template.queueArn(trigger.queueLogicalId()),
                worker, trigger, () -> Handlers.sqs(worker, env))) {
            while (succeeded(store, ids) < jobs) {
                if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
                    throw new IllegalStateException("the worker did not finish " + jobs + " jobs in 5 minutes");
                }
                Thread.sleep(250);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(jobs, seconds, trigger.maximumConcurrency(), trigger.batchSize(),
                Integer.parseInt(env.getOrDefault("WORKER_PARALLELISM", "1")));
    }

    /** How many of the jobs have succeeded, read as the status route reads them. */
    private static int succeeded(JobStore store, List<String> ids) {
        return (int) ids.stream().map(store::find)
                .filter(job -> job.isPresent() && job.get().status() == JobStatus.SUCCEEDED).count();
    }
}
