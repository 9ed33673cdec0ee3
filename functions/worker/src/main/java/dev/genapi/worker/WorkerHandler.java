package dev.genapi.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.genapi.core.aws.AwsClients;
import dev.genapi.core.cache.ResponseCache;
import dev.genapi.core.config.Env;
import dev.genapi.core.generation.GenerationConfig;
import dev.genapi.core.generation.GenerationRequestParser;
import dev.genapi.core.generation.GenerationService;
import dev.genapi.core.generation.Generator;
import dev.genapi.core.jobs.JobMessage;
import dev.genapi.core.jobs.JobStore;
import dev.genapi.core.log.Log;
import dev.genapi.core.model.ChatModels;
import dev.genapi.core.model.GeminiApiKey;
import dev.genapi.core.model.ModelConfig;
import dev.genapi.core.observe.Invocation;
import dev.genapi.core.observe.Metric;
import dev.genapi.core.observe.Telemetry;
import dev.genapi.core.observe.Tracer;
import dev.genapi.core.random.Entropy;
import dev.genapi.core.snapstart.Priming;
import dev.genapi.core.snapstart.SnapStartHooks;
import dev.genapi.core.usage.Budgets;
import dev.genapi.core.usage.Pricing;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
public final class WorkerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

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
        Pricing pricing = Pricing.from(env, generation.allowedModels());
        ModelConfig modelConfig = ModelConfig.from(env);
        ResponseCache cache = new ResponseCache(dynamo, env.require("CACHE_TABLE"), clock);
        GenerationService service = new GenerationService(
                new Generator(ChatModels.create(modelConfig, generation.defaultModel(),
                        () -> GeminiApiKey.resolve(env, () -> AwsClients.ssm(env)), Tracer.from(env)), pricing, clock),
                cache, Budgets.from(env, dynamo, clock), pricing);
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

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        List<Future<JobProcessor.Disposition>> outcomes = new ArrayList<>();
        Invocation invocation = Invocation.of(context);
        for (SQSEvent.SQSMessage record : records) {
            outcomes.add(pool.submit(() -> processor.process(record, invocation)));
        }
        long deadline = System.currentTimeMillis()
                + (context == null ? 60_000 : Math.max(1_000, context.getRemainingTimeInMillis() - REPORTING_MARGIN_MILLIS));
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            SQSEvent.SQSMessage record = records.get(i);
            try {
                long wait = Math.max(0, deadline - System.currentTimeMillis());
                if (outcomes.get(i).get(wait, TimeUnit.MILLISECONDS) == JobProcessor.Disposition.REPORT_FAILURE) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
                }
            } catch (ExecutionException e) {
                Log.error("a message failed unexpectedly; SQS delivers it again", e.getCause(), "messageId", record.getMessageId());
                failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
            } catch (TimeoutException e) {
                Log.info("a message did not finish before the deadline; SQS delivers it again", "messageId", record.getMessageId());
                failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(new SQSBatchResponse.BatchItemFailure(record.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
