package dev.genapi.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.config.Env;
import dev.genapi.core.encoding.Json;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.jobs.JobMessage;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.observe.Invocation;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.observe.Tracer;
import dev.genapi.core.random.Entropy;
import dev.genapi.core.snapstart.Priming;
import dev.genapi.core.snapstart.SnapStartHooks;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.usage.Pricing;
import dev.genapi.model.ChatModels;
import dev.genapi.model.GeminiApiKey;
import dev.genapi.model.GenerationService;
import dev.genapi.model.FallbackChain;
import dev.genapi.model.Generator;
import dev.genapi.model.ModelChains;
import dev.genapi.model.ModelConfig;
import dev.genapi.model.SsmParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * WorkerFunction: runs the jobs of an SQS batch in parallel (bounded), and reports the records to deliver
 * again as batch item failures (the event source mapping has ReportBatchItemFailures). One record's
 * failure never fails another, and no exception escapes: a record that threw or did not finish in time is
 * simply reported, so SQS delivers it again.
 */
public final class WorkerHandler implements RequestStreamHandler {

    /** Time kept back from the function's deadline to report the batch. */
    static final long REPORTING_MARGIN_MILLIS = 3_000;

    private final JobProcessor processor;
    private final ExecutorService pool;
    private final SnapStartHooks snapStart;

    /** Lambda's entry point: the real dependencies, built once per container from the environment. */
    public WorkerHandler() {
        this(Env.system());
    }

    /** The composition root; the local stack calls it with the environment template.yaml declares. */
    public WorkerHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    /** For tests: the same wiring on a clock they control. */
    WorkerHandler(Env env, Clock clock) {
        Log.configure(env);
        WorkerConfig config = WorkerConfig.from(env);
        GenerationConfig generation = GenerationConfig.from(env);
        DynamoDbClient dynamo = AwsClients.dynamoDb(env);
        ModelChains chains = ModelChains.from(env, generation.allowedModels());
        Pricing pricing = Pricing.from(env, chains.allModels(generation.allowedModels()));
        ModelConfig modelConfig = ModelConfig.from(env);
        ResponseCache cache = new ResponseCache(dynamo, env.require("CACHE_TABLE"), clock);
        Generator generator = new Generator(ChatModels.create(modelConfig, generation.defaultModel(),
                () -> GeminiApiKey.resolve(env, () -> SsmParameters.from(env)), Tracer.from(env),
                true), pricing, clock); // a job nearly always calls the model: build its client now
        GenerationService service = new GenerationService(FallbackChain.from(env, generator, chains, pricing, clock),
                cache, Budgets.from(env, dynamo, clock), Optional.empty()); // a job never sleeps waiting for a twin
        JobStore jobs = JobStore.from(env, dynamo, clock);
        GenerationRequestParser parser = new GenerationRequestParser(generation);
        this.processor = new JobProcessor(jobs, service, parser, AwsClients.sqs(env), config,
                new RetryBackoff(config.retryBaseDelay(), config.retryMaxDelay(), Entropy.generator()),
                Telemetry.from(env, clock), clock);
        this.pool = Executors.newFixedThreadPool(config.parallelism(), runnable -> {
            Thread thread = new Thread(runnable, "worker");
            thread.setDaemon(true);
            return thread;
        });

        // Priming's parts are built only when Lambda calls the hook: a start without SnapStart never pays for them.
        this.snapStart = SnapStartHooks.register(() -> {
            Generator primingGenerator = new Generator(ChatModels.forPriming(modelConfig, generation.defaultModel()), pricing, clock);
            Telemetry primingTelemetry = Telemetry.discarding(clock);
            // A job's path without its writes: the message, the job and cache reads, the model client, the record.
            String body = "{\"prompt\": \"priming\", \"maxOutputTokens\": 8}";
            try {
                jobs.find(JobMessage.parse("{\"jobId\": \"" + Priming.ABSENT_JOB_ID + "\", \"request\": " + body + "}").jobId());
            } catch (JobMessage.MalformedMessageException e) {
                throw new IllegalStateException(e);
            }
            cache.find(Priming.ABSENT_CACHE_KEY);
            primingGenerator.generate(parser.parse(body));
            primingTelemetry.end(primingTelemetry.begin("job", Invocation.of(null)).count(Metric.DELIVERIES, 1));
        });
    }

    /** SnapStart's hooks for this function (see {@link SnapStartHooks}); tests call them as Lambda would. */
    public SnapStartHooks snapStart() {
        return snapStart;
    }

    /**
     * Lambda's SQS event in, its partial batch response out: {@code {"batchItemFailures": [{"itemIdentifier":
     * <messageId>}]}} names the records SQS must deliver again (the template sets ReportBatchItemFailures).
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        List<String> failed = failedMessageIds(SqsMessage.readEvent(input), context);
        ObjectNode response = Json.object();
        ArrayNode failures = response.putArray("batchItemFailures");
        failed.forEach(id -> failures.addObject().put("itemIdentifier", id));
        output.write(Json.write(response).getBytes(StandardCharsets.UTF_8));
    }

    /** Runs the records in parallel; returns the ids of those SQS must deliver again. */
    private List<String> failedMessageIds(List<SqsMessage> records, Context context) {
        List<Future<JobProcessor.Disposition>> outcomes = new ArrayList<>();
        Invocation invocation = Invocation.of(context);
        for (SqsMessage record : records) {
            outcomes.add(pool.submit(() -> processor.process(record, invocation)));
        }
        long deadline = System.currentTimeMillis()
                + (context == null ? 60_000 : Math.max(1_000, context.getRemainingTimeInMillis() - REPORTING_MARGIN_MILLIS));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            SqsMessage record = records.get(i);
            try {
                long wait = Math.max(0, deadline - System.currentTimeMillis());
                if (outcomes.get(i).get(wait, TimeUnit.MILLISECONDS) == JobProcessor.Disposition.REPORT_FAILURE) {
                    failures.add(record.messageId());
                }
            } catch (ExecutionException e) {
                Log.error("a message failed unexpectedly; SQS delivers it again", e.getCause(), "messageId", record.messageId());
                failures.add(record.messageId());
            } catch (TimeoutException e) {
                Log.info("a message did not finish before the deadline; SQS delivers it again", "messageId", record.messageId());
                failures.add(record.messageId());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(record.messageId());
            }
        }
        return failures;
    }
}
